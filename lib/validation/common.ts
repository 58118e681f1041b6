import { z } from "zod";
import { FEED_NOTES_LIMIT_BYTES, feedNotesProblem } from "@/lib/markdown";
import { SLUG_PATTERN } from "@/lib/slug";

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "Slug cannot be empty.")
  .max(60, "Slug is at most 60 characters.")
  .regex(SLUG_PATTERN, "Use lowercase letters, digits and single hyphens (like my-show).");

/** Optional text: empty or blank becomes null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .nullish()
    .transform((v) => (v ? v : null));

export const idSchema = z.string().uuid();

export const paginationSchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/**
 * Show notes in Markdown (HTML inside it is sanitized), at most `max` characters and at most
 * Apple's 4,000 bytes once rendered into the feed: the editor's counter runs the same check.
 */
export const notesSchema = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .superRefine((notes, ctx) => {
      const problem = feedNotesProblem(notes);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .meta({ description: `Show notes in Markdown (bold, italic, links, lists, headings; HTML inside is sanitized; 12:34 timestamps seek on the episode page). The HTML the feed carries is at most ${FEED_NOTES_LIMIT_BYTES} bytes (Apple's limit).` });
