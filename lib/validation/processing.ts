import { z } from "zod";

/** Loudness presets: integrated target in LUFS. */
export const LOUDNESS_PRESETS = {
  "podcast-stereo": { label: "Podcast, stereo (−16 LUFS)", lufs: -16 },
  "podcast-mono": { label: "Podcast, mono (−19 LUFS)", lufs: -19 },
  "ebu-r128": { label: "EBU R128 broadcast (−23 LUFS)", lufs: -23 },
} as const;

export const processingOptionsSchema = z.strictObject({
  loudness: z.enum(["podcast-stereo", "podcast-mono", "ebu-r128", "custom"]).default("podcast-stereo"),
  /** Used when loudness is "custom". */
  customLufs: z.number({ error: "Enter a loudness in LUFS, like -16." }).min(-36, "At least -36 LUFS.").max(-9, "At most -9 LUFS.").default(-16),
  truePeakDbtp: z.number({ error: "Enter a ceiling in dBTP, like -1." }).min(-9, "At least -9 dBTP.").max(0, "At most 0 dBTP.").default(-1),
  /** Output channels: stereo 128 kbps, mono 96 kbps, or whatever the recording has. */
  channels: z.enum(["stereo", "mono", "follow"]).default("stereo"),
  bitrateKbps: z.number().int().min(32).max(320).nullable().default(null),
  /** Adaptive leveling: every speaker brought to one loudness (false: one gain for the whole recording). */
  leveler: z.boolean().default(true),
  highPass: z.boolean().default(true),
  noiseReduction: z.boolean().default(false),
  trimSilence: z.boolean().default(true),
  shortenPauses: z.boolean().default(false),
  maxPauseSeconds: z.number().min(0.5, "At least 0.5 s.").max(10, "At most 10 s.").default(1.5),
  crossfadeSeconds: z.number().min(0, "At least 0 s.").max(10, "At most 10 s.").default(1),
});
export type ProcessingOptions = z.output<typeof processingOptionsSchema>;

/** Options as stored (podcast defaults) or sent (per episode): any subset. */
export const processingOverridesSchema = processingOptionsSchema.partial();
export type ProcessingOverrides = z.output<typeof processingOverridesSchema>;

export const DEFAULT_PROCESSING: ProcessingOptions = processingOptionsSchema.parse({});

/** The integrated loudness target the options ask for. */
export function targetLufs(o: ProcessingOptions): number {
  return o.loudness === "custom" ? o.customLufs : LOUDNESS_PRESETS[o.loudness].lufs;
}

export const startProcessingSchema = z.strictObject({
  audioFileId: z.uuid({ error: "Choose the recording to process." }),
  /** Omitted: the podcast's default; null: none. */
  introFileId: z.uuid().nullable().optional(),
  outroFileId: z.uuid().nullable().optional(),
  options: processingOverridesSchema.optional(),
});
export type StartProcessingInput = z.output<typeof startProcessingSchema>;
