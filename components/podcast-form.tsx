"use client";

import { useActionState, useState } from "react";
import { NotesEditor } from "@/components/notes-editor";
import { CheckboxField, FormMessage, SelectField, SubmitButton, TextField } from "@/components/ui";
import { APPLE_CATEGORIES } from "@/lib/apple-categories";
import { initialFormState, type FormState } from "@/lib/form-state";
import { LISTEN_PLATFORMS } from "@/lib/validation/podcast";
import { PODCAST_20_FIELDS, Podcasting20Fields } from "./podcasting20-fields";
import { DEFAULT_PROCESSING, LOUDNESS_PRESETS, type ProcessingOptions } from "@/lib/validation/processing";

export interface MediaChoice {
  id: string;
  name: string;
}

export interface PodcastFormValues {
  title: string;
  slug: string;
  description: string;
  author: string;
  ownerName: string;
  ownerEmail: string;
  language: string;
  category: string;
  subcategory: string;
  explicit: boolean;
  type: string;
  website: string;
  copyright: string;
  enclosurePrefix: string;
  /** "public" or "private" (only subscribers' own feeds). */
  visibility?: string;
  coverFileId?: string;
  introFileId?: string;
  outroFileId?: string;
  processing?: Partial<ProcessingOptions> | null;
  /** Processing also writes an Opus rendition (edit form only). */
  opusRendition?: boolean;
  listenLinks?: { platform: string; url: string }[];
  /** Podcasting 2.0 values (edit form only). */
  podcasting20?: Record<string, unknown>;
}

export const emptyPodcast: PodcastFormValues = {
  title: "",
  slug: "",
  description: "",
  author: "",
  ownerName: "",
  ownerEmail: "",
  language: "en",
  category: "",
  subcategory: "",
  explicit: false,
  type: "episodic",
  website: "",
  copyright: "",
  enclosurePrefix: "",
};

export function PodcastForm({
  action,
  initial,
  submitLabel,
  images,
  audio,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  initial: PodcastFormValues;
  submitLabel: string;
  /** The user's images and audio, for cover art and intro/outro (edit form only). */
  images?: MediaChoice[];
  audio?: MediaChoice[];
}) {
  const [state, formAction] = useActionState(action, initialFormState);
  const v = { ...initial, ...state.values, explicit: state.values ? state.values.explicit === "on" : initial.explicit };
  const f = state.fields ?? {};
  const [category, setCategory] = useState(v.category);
  const subcategories = APPLE_CATEGORIES[category] ?? [];

  return (
    <form action={formAction} noValidate className="space-y-5">
      <FormMessage message={state.message} ok={state.ok} />
      <TextField label="Title" name="title" required maxLength={200} defaultValue={v.title} error={f.title} />
      <TextField
        label="Slug (public address)"
        name="slug"
        defaultValue={v.slug}
        error={f.slug}
        placeholder="made from the title"
        hint="Lowercase letters, digits and hyphens. Leave empty to make one from the title. Changed later, the old feed, audio and page addresses redirect to the new ones."
      />
      <NotesEditor label="Description" name="description" rows={6} maxLength={4000} defaultValue={v.description} error={f.description} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Author" name="author" defaultValue={v.author} error={f.author} />
        <TextField label="Language" name="language" defaultValue={v.language} error={f.language} hint="A code like en or en-US." />
        <TextField label="Owner name" name="ownerName" defaultValue={v.ownerName} error={f.ownerName} />
        <TextField label="Owner e-mail" name="ownerEmail" type="email" defaultValue={v.ownerEmail} error={f.ownerEmail} />
        <SelectField
          label="Category"
          name="category"
          value={category}
          onChange={(e) => setCategory(e.target.value)}
          error={f.category}
        >
          <option value="">No category</option>
          {Object.keys(APPLE_CATEGORIES).map((c) => (
            <option key={c} value={c}>{c}</option>
          ))}
        </SelectField>
        <SelectField
          key={category}
          label="Subcategory"
          name="subcategory"
          defaultValue={subcategories.includes(v.subcategory) ? v.subcategory : ""}
          disabled={subcategories.length === 0}
          error={f.subcategory}
        >
          <option value="">None</option>
          {subcategories.map((s) => (
            <option key={s} value={s}>{s}</option>
          ))}
        </SelectField>
        <SelectField
          label="Visibility"
          name="visibility"
          defaultValue={v.visibility ?? "public"}
          error={f.visibility}
          hint="Private: no public page or feed; only your subscribers' own feeds."
        >
          <option value="public">Public</option>
          <option value="private">Private (subscribers only)</option>
        </SelectField>
        <SelectField label="Type" name="type" defaultValue={v.type} error={f.type}>
          <option value="episodic">Episodic (newest first)</option>
          <option value="serial">Serial (in order)</option>
        </SelectField>
        <TextField label="Website" name="website" type="url" defaultValue={v.website} error={f.website} placeholder="https://" />
        <TextField label="Copyright" name="copyright" defaultValue={v.copyright} error={f.copyright} />
      </div>
      <TextField
        label="Analytics prefix"
        name="enclosurePrefix"
        type="url"
        defaultValue={v.enclosurePrefix}
        error={f.enclosurePrefix}
        placeholder="https://op3.dev/e/"
        hint="Optional: a measurement service (OP3, Podtrac…) put before each episode's audio address in the feed. Our own download counts keep working."
      />
      <CheckboxField label="Contains explicit content" name="explicit" defaultChecked={v.explicit} error={f.explicit} />
      {images && audio && <MediaDefaults images={images} audio={audio} values={v} fields={f} />}
      {images && audio && <ListenLinksFields links={initial.listenLinks ?? []} values={state.values} fields={f} />}
      {initial.podcasting20 && <Podcasting20Fields specs={PODCAST_20_FIELDS} current={initial.podcasting20} values={state.values} fields={f} />}
      <SubmitButton>{submitLabel}</SubmitButton>
    </form>
  );
}

/** Cover art, intro/outro and processing defaults: chosen from the media library. */
function MediaDefaults({
  images,
  audio,
  values,
  fields,
}: {
  images: MediaChoice[];
  audio: MediaChoice[];
  values: Record<string, unknown> & { coverFileId?: string; introFileId?: string; outroFileId?: string; processing?: Partial<ProcessingOptions> | null; opusRendition?: boolean };
  fields: Record<string, string>;
}) {
  const p = { ...DEFAULT_PROCESSING, ...(values.processing ?? {}) };
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : "");
  const options = (list: MediaChoice[]) => list.map((m) => <option key={m.id} value={m.id}>{m.name}</option>);
  return (
    <>
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-1 text-sm font-medium text-slate-700">Artwork and music</legend>
        <SelectField label="Cover art" name="coverFileId" defaultValue={str("coverFileId")} error={fields.coverFileId} hint="Square JPEG or PNG, 1400–3000 px.">
          <option value="">No cover</option>
          {options(images)}
        </SelectField>
        <SelectField label="Default intro" name="introFileId" defaultValue={str("introFileId")} error={fields.introFileId}>
          <option value="">No intro</option>
          {options(audio)}
        </SelectField>
        <SelectField label="Default outro" name="outroFileId" defaultValue={str("outroFileId")} error={fields.outroFileId}>
          <option value="">No outro</option>
          {options(audio)}
        </SelectField>
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-1 text-sm font-medium text-slate-700">Processing defaults for new episodes</legend>
        <SelectField label="Loudness target" name="p.loudness" defaultValue={p.loudness === "custom" ? "podcast-stereo" : p.loudness}>
          {Object.entries(LOUDNESS_PRESETS).map(([k, preset]) => (
            <option key={k} value={k}>{preset.label}</option>
          ))}
        </SelectField>
        <SelectField label="Output channels" name="p.channels" defaultValue={p.channels}>
          <option value="stereo">Stereo MP3, 128 kbps</option>
          <option value="mono">Mono MP3, 96 kbps</option>
          <option value="follow">Like the recording</option>
        </SelectField>
        <TextField label="Crossfade (seconds)" name="p.crossfadeSeconds" type="number" step="0.1" min={0} max={10} defaultValue={p.crossfadeSeconds} error={fields["processing.crossfadeSeconds"]} />
        <CheckboxField label="Level speakers" name="p.leveler" defaultChecked={p.leveler} />
        <CheckboxField label="High-pass filter" name="p.highPass" defaultChecked={p.highPass} />
        <CheckboxField label="Noise reduction" name="p.noiseReduction" defaultChecked={p.noiseReduction} />
        <CheckboxField label="Trim silence at start and end" name="p.trimSilence" defaultChecked={p.trimSilence} />
        <CheckboxField label="Shorten long pauses" name="p.shortenPauses" defaultChecked={p.shortenPauses} />
        <CheckboxField
          label="Also make an Opus version"
          name="p.opusRendition"
          defaultChecked={values.opusRendition !== false}
          error={fields.opusRendition}
          title="A smaller file (48 kbps mono, 64 kbps stereo) that apps can choose instead of the MP3. Made at each processing; off lists none in the feed."
        />
        <input type="hidden" name="p.present" value="1" />
      </fieldset>
    </>
  );
}

/** How many empty "Listen on" rows the edit form offers below the saved links. */
const SPARE_LISTEN_ROWS = 2;

/**
 * "Listen on" links of the public show page: one row (platform, address) per link, posted as
 * `listen.N.platform` / `listen.N.url`; rows left blank are dropped by the action.
 */
function ListenLinksFields({
  links,
  values,
  fields,
}: {
  links: { platform: string; url: string }[];
  values?: Record<string, string>;
  fields: Record<string, string>;
}) {
  const submitted = values ? Object.keys(values).filter((k) => /^listen\.\d+\.url$/.test(k)).length : 0;
  const rows = Math.max(submitted, links.length + SPARE_LISTEN_ROWS);
  return (
    <fieldset className="space-y-2">
      <legend className="mb-1 text-sm font-medium text-slate-700">Listen on (links on your public page)</legend>
      {Array.from({ length: rows }, (_, i) => {
        const platform = values ? (values[`listen.${i}.platform`] ?? "") : (links[i]?.platform ?? "");
        const url = values ? (values[`listen.${i}.url`] ?? "") : (links[i]?.url ?? "");
        return (
          <div key={i} className="grid gap-2 sm:grid-cols-[12rem_1fr]">
            <SelectField label={`Platform ${i + 1}`} name={`listen.${i}.platform`} defaultValue={platform || "Apple Podcasts"} error={fields[`listen.${i}.platform`]}>
              {LISTEN_PLATFORMS.map((p) => (
                <option key={p} value={p}>{p === "other" ? "Other" : p}</option>
              ))}
            </SelectField>
            <TextField label={`Link ${i + 1}`} name={`listen.${i}.url`} type="url" placeholder="https://" defaultValue={url} error={fields[`listen.${i}.url`]} />
          </div>
        );
      })}
    </fieldset>
  );
}
