import { z } from "zod";
import { notesSchema, slugSchema } from "./common";
import { episode20Fields } from "./podcasting20";

export const EPISODE_TYPES = ["full", "trailer", "bonus"] as const;
/** "subscribers": supporter-only, in subscriber feeds and nowhere public. */
export const EPISODE_ACCESS = ["public", "subscribers"] as const;
const accessSchema = z.enum(EPISODE_ACCESS, { error: "Choose public or subscribers." });
export const EPISODE_STATUSES = ["draft", "processing", "ready", "scheduled", "published", "failed"] as const;

const positiveIntOrNull = (max: number, what: string) =>
  z
    .number({ error: `${what} must be a whole number.` })
    .int(`${what} must be a whole number.`)
    .min(1, `${what} starts at 1.`)
    .max(max, `${what} is at most ${max}.`)
    .nullish()
    .transform((v) => v ?? null);

const episodeFields = {
  title: z.string({ error: "Enter a title." }).trim().min(1, "Enter a title.").max(200, "At most 200 characters."),
  slug: slugSchema.optional(),
  description: notesSchema(20000).default(""),
  seasonNumber: positiveIntOrNull(9999, "Season"),
  episodeNumber: positiveIntOrNull(99999, "Episode number"),
  episodeType: z.enum(EPISODE_TYPES, { error: "Choose full, trailer or bonus." }).default("full"),
  explicit: z.boolean({ error: "Must be true or false." }).default(false),
  /** Podcasting 2.0: guests and crew of this episode, and its soundbites. */
  persons: episode20Fields.persons.default([]),
  soundbites: episode20Fields.soundbites.default([]),
  access: accessSchema.default("public"),
};

export const createEpisodeSchema = z.strictObject(episodeFields);
export type CreateEpisodeInput = z.infer<typeof createEpisodeSchema>;

export const updateEpisodeSchema = z.strictObject({
  title: episodeFields.title.optional(),
  slug: slugSchema.optional(),
  description: notesSchema(20000).optional(),
  seasonNumber: episodeFields.seasonNumber.optional(),
  episodeNumber: episodeFields.episodeNumber.optional(),
  episodeType: z.enum(EPISODE_TYPES, { error: "Choose full, trailer or bonus." }).optional(),
  explicit: z.boolean({ error: "Must be true or false." }).optional(),
  persons: episode20Fields.persons.optional(),
  soundbites: episode20Fields.soundbites.optional(),
  access: accessSchema.optional(),
});
export type UpdateEpisodeInput = z.infer<typeof updateEpisodeSchema>;

export const episodeSchema = z.object({
  id: z.string(),
  podcastId: z.string(),
  slug: z.string(),
  guid: z.string(),
  title: z.string(),
  description: z.string(),
  seasonNumber: z.number().int().nullable(),
  episodeNumber: z.number().int().nullable(),
  episodeType: z.enum(EPISODE_TYPES),
  explicit: z.boolean(),
  status: z.enum(EPISODE_STATUSES),
  publishAt: z.iso.datetime().nullable(),
  publishedAt: z.iso.datetime().nullable(),
  audioFileId: z.string().nullable(),
  /** The Opus rendition processing made of the audio (podcast:alternateEnclosure), or null. */
  opusFileId: z.string().nullable(),
  durationSeconds: z.number().int().nullable(),
  sizeBytes: z.number().int().nullable(),
  persons: z.array(z.object({ name: z.string(), role: z.string(), group: z.string(), img: z.string().optional(), href: z.string().optional() })),
  soundbites: z.array(z.object({ startTime: z.number(), duration: z.number(), title: z.string().optional() })),
  access: z.enum(EPISODE_ACCESS),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const publishSchema = z.strictObject({
  /** Omitted or past: publish now. Future: schedule. */
  at: z.iso
    .datetime({ offset: true, error: "Use an ISO 8601 date and time with a time zone, like 2026-12-01T09:00:00+01:00." })
    .nullish()
    .transform((v) => (v ? new Date(v) : null)),
});
