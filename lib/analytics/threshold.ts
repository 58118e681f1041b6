/**
 * Byte accounting for one listener-episode (IAB Podcast Measurement v2): a download counts once
 * the ranges fetched cover one minute of audio, or the whole file when it is shorter.
 */

export type Interval = [start: number, end: number]; // inclusive byte offsets

/** When the duration is unknown, assume 128 kbit/s (16,000 bytes a second). */
const FALLBACK_BYTES_PER_SECOND = 16_000;
const MINUTE = 60;

/**
 * Bytes that make a download: one minute at the file's average rate (its size over its
 * duration, so headers and embedded art are paid for pro rata), never more than the file.
 */
export function downloadThreshold(totalBytes: number, durationSeconds: number | null): number {
  const perSecond =
    durationSeconds && durationSeconds > 0 ? totalBytes / durationSeconds : FALLBACK_BYTES_PER_SECOND;
  return Math.max(1, Math.min(totalBytes, Math.ceil(perSecond * MINUTE)));
}

/** More intervals than this and the rest are not kept (they can only add little). */
const MAX_INTERVALS = 64;

/**
 * `intervals` (sorted, merged) with [start, end] added, merged again: overlapping and adjacent
 * ranges join, so a byte fetched twice is counted once.
 */
export function addInterval(intervals: readonly Interval[], add: Interval): Interval[] {
  let [start, end] = add;
  const out: Interval[] = [];
  let placed = false;
  for (const [s, e] of intervals) {
    if (e + 1 < start) out.push([s, e]);
    else if (end + 1 < s) {
      if (!placed) out.push([start, end]);
      placed = true;
      out.push([s, e]);
    } else {
      start = Math.min(start, s);
      end = Math.max(end, e);
    }
  }
  if (!placed) out.push([start, end]);
  return out.length > MAX_INTERVALS ? out.slice(0, MAX_INTERVALS) : out;
}

/** How many distinct bytes `intervals` cover. */
export const coveredBytes = (intervals: readonly Interval[]) => intervals.reduce((n, [s, e]) => n + (e - s + 1), 0);

/**
 * The byte range a request asked for, clamped to the file: a missing range is the whole file;
 * null when nothing of the file was asked for.
 */
export function requestedInterval(range: { start: number; end: number } | null, totalBytes: number): Interval | null {
  if (!(totalBytes > 0)) return null;
  if (!range) return [0, totalBytes - 1];
  const start = Math.max(0, Math.floor(range.start));
  const end = Math.min(totalBytes - 1, Math.floor(range.end));
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return null;
  return [start, end];
}
