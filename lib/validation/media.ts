import { z } from "zod";

export const renameFileSchema = z.strictObject({
  originalFilename: z
    .string({ error: "Enter a name." })
    .trim()
    .min(1, "Enter a name.")
    .max(255, "At most 255 characters.")
    .refine((v) => !/[\\/\u0000-\u001f\u007f]/.test(v), "A name cannot contain slashes or control characters."),
});

export const listFilesSchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  kind: z.enum(["audio", "image"]).optional(),
});

export const mediaFileSchema = z.object({
  id: z.string(),
  kind: z.enum(["audio", "image"]),
  originalFilename: z.string(),
  mimeType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  durationSeconds: z.number().nullable(),
  createdAt: z.iso.datetime(),
  codec: z.string().nullable().optional(),
  sampleRate: z.number().int().nullable().optional(),
  channels: z.number().int().nullable().optional(),
  width: z.number().int().nullable().optional(),
  height: z.number().int().nullable().optional(),
});
