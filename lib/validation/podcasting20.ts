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
export const personsSchema = z.array(personSchema).max(50, "At most 50 people.");

export const fundingSchema = z
  .array(z.strictObject({ url: httpUrlSchema, label: z.string().trim().max(128, "At most 128 characters.").default("") }))
  .max(10, "At most 10 funding links.");

export const podrollSchema = z
  .array(
    z
      .strictObject({ feedGuid: z.uuid("Use the show's podcast:guid (a UUID).").optional(), feedUrl: httpUrlSchema.optional() })
      .refine((r) => r.feedGuid || r.feedUrl, { message: "Give the show's feedGuid, its feedUrl, or both." }),
  )
  .max(50, "At most 50 shows.");

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
    geo: z.string().trim().regex(/^geo:-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?(,-?\d+(\.\d+)?)?(;u=\d+(\.\d+)?)?$/i, "Use a geo URI like geo:30.2672,97.7431.").optional(),
    // OpenStreetMap type (N node, W way, R relation) and id, e.g. R113314.
    osm: z.string().trim().regex(/^[NWR]\d+(#\d+)?$/, "Use an OpenStreetMap id like R113314.").optional(),
  })
  .nullable();

export const soundbitesSchema = z
  .array(
    z.strictObject({
      startTime: z.number({ error: "Give the start in seconds." }).min(0, "The start cannot be negative."),
      duration: z.number({ error: "Give the length in seconds." }).positive("The length must be above 0.").max(600, "At most 600 seconds."),
      title: z.string().trim().max(128, "At most 128 characters.").optional(),
    }),
  )
  .max(20, "At most 20 soundbites.");

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
