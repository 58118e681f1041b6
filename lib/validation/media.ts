import { z } from "zod";

export const renameFileSchema = z.strictObject({
  originalFilename: z
    .string({ error: "Enter a name." })
    .trim()
    .min(1, "Enter a name.")
    .max(255, "At most 255 characters.")
    // eslint-disable-next-line no-control-regex -- control characters are what it refuses
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

/** Starting a direct upload (object storage): what the client is about to send. */
export const startDirectUploadSchema = z.strictObject({
  filename: z.string({ error: "Give the file's name." }).max(1000, "At most 1000 characters."),
  sizeBytes: z
    .number({ error: "Give the file's size in bytes." })
    .int("A whole number of bytes.")
    .min(1, "The file is empty.")
    .max(Number.MAX_SAFE_INTEGER),
});

/** Presigned URLs for these parts of a direct upload, at most 100 at a time. */
export const presignPartsSchema = z.strictObject({
  partNumbers: z
    .array(z.number().int().min(1, "Part numbers start at 1.").max(10_000), { error: "A list of part numbers." })
    .min(1, "Ask for at least one part.")
    .max(100, "At most 100 parts at a time."),
});

/** Finishing a direct upload: every part with the ETag its PUT answered. */
export const completeDirectUploadSchema = z.strictObject({
  parts: z
    .array(
      z.strictObject({
        partNumber: z.number().int().min(1).max(10_000),
        etag: z.string().min(1).max(200),
      }),
      { error: "A list of {partNumber, etag}." },
    )
    .min(1, "Send every part's ETag.")
    .max(10_000),
});

export const directUploadSchema = z.object({
  id: z.string(),
  originalFilename: z.string(),
  sizeBytes: z.number().int(),
  partSize: z.number().int(),
  partCount: z.number().int(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
