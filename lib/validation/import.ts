import { z } from "zod";

const httpUrl = (what: string) =>
  z
    .string({ error: `Enter the ${what} address.` })
    .trim()
    .min(1, `Enter the ${what} address.`)
    .max(2000, "At most 2000 characters.")
    .refine((v) => URL.canParse(v), "Enter a full address starting with https:// or http://.")
    .refine((v) => !URL.canParse(v) || /^https?:$/.test(new URL(v).protocol), "Only http:// and https:// addresses are allowed.");

/** POST /api/v1/imports and the dashboard's import form. */
export const createImportSchema = z.strictObject({ feedUrl: httpUrl("feed") });
export type CreateImportInput = z.infer<typeof createImportSchema>;

/** A feed URL the show moved to, or null to clear it (PATCH /api/v1/podcasts/{id}). */
export const movedToFeedUrlSchema = httpUrl("new feed").nullable();

export const IMPORT_STATUSES = ["queued", "running", "succeeded", "partial", "failed"] as const;

export const importSchema = z.object({
  id: z.string(),
  feedUrl: z.string(),
  status: z.enum(IMPORT_STATUSES),
  progress: z.number().min(0).max(1),
  podcastId: z.string().nullable(),
  episodes: z.object({ total: z.number().int(), imported: z.number().int(), failed: z.number().int(), skipped: z.number().int() }),
  errors: z.array(z.object({ guid: z.string(), title: z.string(), message: z.string() })),
  notes: z.array(z.string()),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});

export const importItemSchema = z.object({
  guid: z.string(),
  title: z.string(),
  status: z.enum(["pending", "queued", "running", "imported", "failed"]),
  error: z.string().nullable(),
  episodeId: z.string().nullable(),
});
