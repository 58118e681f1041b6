import { z } from "zod";
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
