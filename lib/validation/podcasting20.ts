import { z } from "zod";
import { httpUrlSchema } from "./podcast-urls";

/**
 * Podcasting 2.0 (podcastindex.org/namespace/1.0) values a podcaster sets: funding, persons,
 * podroll, txt, location (podcast) and persons, soundbites (episode). Limits follow the
 * namespace's own (e.g. 128 characters for funding and person text).
 */

/** The Podcast Taxonomy Project's person groups and the roles in each (podcast-namespace/taxonomy.json). */
export const PERSON_TAXONOMY: Record<string, readonly string[]> = {
  "Creative Direction": ["Director", "Assistant Director", "Executive Producer", "Senior Producer", "Producer", "Associate Producer", "Development Producer", "Creative Director"],
  Cast: ["Host", "Co-Host", "Guest Host", "Guest", "Voice Actor", "Narrator", "Announcer", "Reporter"],
  Writing: ["Author", "Editorial Director", "Co-Writer", "Writer", "Songwriter", "Guest Writer", "Story Editor", "Managing Editor", "Script Editor", "Script Coordinator", "Researcher", "Editor", "Fact Checker", "Translator", "Transcriber", "Logger"],
  "Audio Production": ["Studio Coordinator", "Technical Director", "Technical Manager", "Audio Engineer", "Remote Recording Engineer", "Post Production Engineer"],
  "Audio Post-Production": ["Audio Editor", "Sound Designer", "Foley Artist", "Composer", "Theme Music", "Music Production", "Music Contributor"],
  Administration: ["Production Coordinator", "Booking Coordinator", "Production Assistant", "Content Manager", "Marketing Manager", "Sales Representative", "Sales Manager"],
  Visuals: ["Graphic Designer", "Cover Art Designer"],
  Community: ["Social Media Manager"],
  "Misc.": ["Consultant", "Intern"],
  "Video Production": ["Camera Operator", "Lighting Designer", "Camera Grip", "Assistant Camera"],
  "Video Post-Production": ["Editor", "Assistant Editor"],
};

/**
 * A list refinement: an entry sharing a key with an earlier one is refused, on the later entry
 * (or its `field`), saying which item it repeats. Apps would show a repeated entry twice.
 */
export function noDuplicates<T>(keys: (item: T) => (string | null | undefined)[], message: string, field?: string) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const mine = keys(item).filter((k): k is string => !!k);
      const first = mine.map((k) => seen.get(k)).find((n) => n !== undefined);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: field ? [i, field] : [i], message: `${message} (item ${first + 1}).` });
      else for (const k of mine) seen.set(k, i);
    });
  };
}

/** An http(s) address as a key for comparing (host case and default ports folded). */
export const urlKey = (url: string | undefined) => {
  if (!url) return null;
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
};

const canonical = (list: readonly string[], value: string) => list.find((x) => x.toLowerCase() === value.trim().toLowerCase());

export const personSchema = z
  .strictObject({
    name: z.string({ error: "Enter the person's name." }).trim().min(1, "Enter the person's name.").max(128, "At most 128 characters."),
    role: z.string().trim().max(64).default("Host"),
    group: z.string().trim().max(64).default("Cast"),
    img: httpUrlSchema.optional(),
    href: httpUrlSchema.optional(),
  })
  .transform((p, ctx) => {
    const group = canonical(Object.keys(PERSON_TAXONOMY), p.group);
    if (!group) {
      ctx.addIssue({ code: "custom", path: ["group"], message: `Use a group of the podcast taxonomy: ${Object.keys(PERSON_TAXONOMY).join(", ")}.` });
      return z.NEVER;
    }
    const role = canonical(PERSON_TAXONOMY[group]!, p.role);
    if (!role) {
      ctx.addIssue({ code: "custom", path: ["role"], message: `"${p.role}" is not a role of the ${group} group; use one of: ${PERSON_TAXONOMY[group]!.join(", ")}.` });
      return z.NEVER;
    }
    return { ...p, group, role };
  });
export type Person = z.output<typeof personSchema>;
export const personsSchema = z
  .array(personSchema)
  .max(50, "At most 50 people.")
  .superRefine(noDuplicates((p) => [`${p.name.toLowerCase()}|${p.role}|${p.group}`], "This person already has this role"));

export const fundingSchema = z
  .array(z.strictObject({ url: httpUrlSchema, label: z.string().trim().max(128, "At most 128 characters.").default("") }))
  .max(10, "At most 10 funding links.")
  .superRefine(noDuplicates((f) => [urlKey(f.url)], "This address is already in the list", "url"));

export const podrollSchema = z
  .array(
    z
      .strictObject({
        // Lower case, as podcast:guid is written (and so the same show is found listed twice).
        feedGuid: z.uuid("Use the show's podcast:guid (a UUID).").transform((g) => g.toLowerCase()).optional(),
        feedUrl: httpUrlSchema.optional(),
      })
      .refine((r) => r.feedGuid || r.feedUrl, { message: "Give the show's feedGuid, its feedUrl, or both." }),
  )
  .max(50, "At most 50 shows.")
  .superRefine(noDuplicates((r) => [r.feedGuid, urlKey(r.feedUrl)], "This show is already in the list"));

export const txtSchema = z
  .array(
    z.strictObject({
      purpose: z.string().trim().max(128, "At most 128 characters.").optional(),
      value: z.string({ error: "Enter the text." }).trim().min(1, "Enter the text.").max(4000, "At most 4000 characters."),
    }),
  )
  .max(10, "At most 10 txt entries.");

export const locationSchema = z
  .strictObject({
    name: z.string({ error: "Enter the place's name." }).trim().min(1, "Enter the place's name.").max(128, "At most 128 characters."),
    // RFC 5870 geo URI, e.g. geo:30.2672,97.7431 (optionally ;u=350).
    geo: z
      .string()
      .trim()
      .regex(/^geo:-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?(,-?\d+(\.\d+)?)?(;u=\d+(\.\d+)?)?$/i, "Use a geo URI like geo:30.2672,97.7431.")
      .refine((g) => {
        const [lat, lon] = g.slice(4).split(/[,;]/).map(Number);
        return Math.abs(lat!) <= 90 && Math.abs(lon!) <= 180;
      }, "Latitude is between -90 and 90, longitude between -180 and 180.")
      .optional(),
    // OpenStreetMap type (N node, W way, R relation) and id, e.g. R113314.
    osm: z.string().trim().regex(/^[NWR]\d+(#\d+)?$/, "Use an OpenStreetMap id like R113314.").optional(),
  })
  .nullable();

// Bounded and rounded to milliseconds, the feed writes plain decimals ("0.3", never "1e+21" or "5e-324").
const MAX_SOUNDBITE_START = 100 * 3600;
const toMilliseconds = (seconds: number) => Math.round(seconds * 1000) / 1000;

export const soundbitesSchema = z
  .array(
    z.strictObject({
      startTime: z.number({ error: "Give the start in seconds." }).min(0, "The start cannot be negative.").max(MAX_SOUNDBITE_START, "At most 100 hours into the episode.")
        .transform(toMilliseconds)
        // podcast-partytime (Podcast Index's parser) drops a soundbite whose start is 0.
        .refine((t) => t > 0, "Start after 0:00 (Podcast Index skips a soundbite at 0)."),
      duration: z.number({ error: "Give the length in seconds." }).min(1, "At least 1 second.").max(600, "At most 600 seconds.").transform(toMilliseconds),
      title: z.string().trim().max(128, "At most 128 characters.").optional(),
    }),
  )
  .max(20, "At most 20 soundbites.")
  .superRefine(noDuplicates((b) => [`${b.startTime}|${b.duration}`], "The same soundbite is already in the list"));

/** Podcast-level fields, for the create and update schemas. */
export const podcast20Fields = {
  funding: fundingSchema,
  persons: personsSchema,
  podroll: podrollSchema,
  txt: txtSchema,
  location: locationSchema,
};

export const episode20Fields = {
  persons: personsSchema,
  soundbites: soundbitesSchema,
};
