import { TextAreaField } from "@/components/ui";

export interface JsonFieldSpec {
  name: string;
  label: string;
  example: string;
}

/** Podcasting 2.0 fields the podcast's edit form offers, each a JSON textarea. */
export const PODCAST_20_FIELDS: JsonFieldSpec[] = [
  { name: "funding", label: "Funding links", example: '[{ "url": "https://ko-fi.com/yourshow", "label": "Support the show" }]' },
  { name: "persons", label: "Hosts and crew", example: '[{ "name": "Ann", "role": "Host" }, { "name": "Bo", "role": "Audio Editor", "group": "Audio Post-Production" }]' },
  { name: "podroll", label: "Podroll (shows you recommend)", example: '[{ "feedGuid": "917393e3-…", "feedUrl": "https://…/feed.xml" }]' },
  { name: "txt", label: "Verification records (podcast:txt)", example: '[{ "purpose": "applepodcastsverify", "value": "…" }]' },
  { name: "location", label: "Location", example: '{ "name": "Austin, TX", "geo": "geo:30.2672,97.7431", "osm": "R113314" }' },
];

export const EPISODE_20_FIELDS: JsonFieldSpec[] = [
  { name: "persons", label: "Guests and crew", example: '[{ "name": "Guesty McGuest", "role": "Guest" }]' },
  { name: "soundbites", label: "Soundbites", example: '[{ "startTime": 73.5, "duration": 30, "title": "The best bit" }]' },
];

/** The current value as editable JSON; blank when there is none. */
const asText = (v: unknown) => (v == null || (Array.isArray(v) && v.length === 0) ? "" : JSON.stringify(v, null, 2));

/**
 * Podcasting 2.0 values as JSON textareas (`json.<name>`), read by the action's jsonFormFields();
 * roles and groups follow the podcast taxonomy (podcastindex.org), and errors say which item.
 */
export function Podcasting20Fields({
  specs,
  current,
  values,
  fields,
}: {
  specs: JsonFieldSpec[];
  current: Record<string, unknown>;
  values?: Record<string, string>;
  fields: Record<string, string>;
}) {
  return (
    <fieldset className="space-y-3">
      <legend className="mb-1 text-sm font-medium text-slate-700">Podcasting 2.0 (apps such as Fountain, Podverse and Pocket Casts show these)</legend>
      {specs.map((s) => (
        <TextAreaField
          key={s.name}
          label={s.label}
          name={`json.${s.name}`}
          rows={3}
          className="w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
          defaultValue={values?.[`json.${s.name}`] ?? asText(current[s.name])}
          error={fields[`json.${s.name}`]}
          hint={`JSON, e.g. ${s.example}`}
        />
      ))}
    </fieldset>
  );
}
