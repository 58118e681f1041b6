import { MediaError } from "./errors";
import { COMMON_ARGS, runTool, timeoutFor, userInput, type ProgressCallback } from "./ffmpeg";

/** EBU R128 / ITU BS.1770 figures, as ffmpeg's ebur128 filter reports them. */
export type LoudnessStats = {
  /** Integrated loudness, LUFS (−70 for silence). */
  integratedLufs: number;
  /** Loudness range, LU. */
  lraLu: number;
  /** True peak (4× oversampled), dBTP. */
  truePeakDbtp: number;
  /** The relative gate of the integrated measurement, LUFS (loudnorm's measured_thresh). */
  thresholdLufs: number;
};

/**
 * The filter that measures: true-peak mode, per-frame lines demoted to verbose so an hour's
 * measurement logs a summary instead of 36 000 lines.
 */
export const EBUR128 = "ebur128=peak=true:framelog=verbose";

function num(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (/^-?inf$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  const n = Number(text);
  return Number.isFinite(n) ? n : fallback;
}

/** Reads the last ebur128 summary in an ffmpeg log. */
export function parseEbur128Summary(log: string): LoudnessStats {
  const at = log.lastIndexOf("Summary:");
  if (at < 0) throw new MediaError("failed", "The loudness could not be measured.", "no ebur128 summary in ffmpeg's log");
  const s = log.slice(at);
  const i = /Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+|-?inf)\s*LUFS\s*\n\s*Threshold:\s*(-?[\d.]+|-?inf)/i.exec(s);
  const lra = /Loudness range:\s*\n\s*LRA:\s*(-?[\d.]+)/i.exec(s);
  const peak = /True peak:\s*\n\s*Peak:\s*(-?[\d.]+|-?inf)/i.exec(s);
  if (!i || !lra) throw new MediaError("failed", "The loudness could not be measured.", s.slice(0, 300));
  return {
    integratedLufs: num(i[1], -70),
    thresholdLufs: num(i[2], -70),
    lraLu: num(lra[1], 0),
    // A silent file has no peak: report the floor rather than -Infinity, which JSON cannot carry.
    truePeakDbtp: Math.max(-144, num(peak?.[1], -144)),
  };
}

/**
 * Measures a file's loudness (integrated, LRA, true peak) with ebur128. Used for intros and
 * outros, and to verify a mastered file. `channels` converts first so the figure matches how the
 * audio will be used (a mono intro in a stereo episode).
 */
export async function measureLoudness(
  file: string,
  opts: { channels?: number; durationSeconds?: number; onProgress?: ProgressCallback; signal?: AbortSignal } = {},
): Promise<LoudnessStats> {
  const convert = opts.channels ? `aformat=channel_layouts=${opts.channels === 1 ? "mono" : "stereo"},` : "";
  const args = [...COMMON_ARGS, "-v", "info", "-progress", "pipe:2", ...userInput(file), "-map", "0:a:0", "-af", convert + EBUR128, "-f", "null", "-"];
  const { log } = await runTool("ffmpeg", args, {
    timeoutMs: timeoutFor(opts.durationSeconds ?? 3600),
    expectedSeconds: opts.durationSeconds,
    onProgress: opts.onProgress,
    signal: opts.signal,
    label: "measure loudness",
  });
  return parseEbur128Summary(log);
}
