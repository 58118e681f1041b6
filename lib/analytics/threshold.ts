/**
 * Byte accounting for one listener-episode (IAB Podcast Measurement v2): a download counts once
 * the ranges fetched cover one minute of audio, or the whole file when it is shorter.
 */

export type Interval = [start: number, end: number]; // inclusive byte offsets

/** When the duration is unknown, assume 128 kbit/s (16,000 bytes a second). */
const FALLBACK_BYTES_PER_SECOND = 16_000;
const MINUTE = 60;

/**
 * Bytes that make a download: the headers (the ID3 tag, cover art and chapters included) plus
 * the first minute of audio at the audio's average rate, never more than the file. A client
 * that read the tag alone has heard nothing.
 */
export function downloadThreshold(totalBytes: number, durationSeconds: number | null, headerBytes = 0): number {
  const header = Math.max(0, Math.min(headerBytes, totalBytes));
  const perSecond =
    durationSeconds && durationSeconds > 0 ? (totalBytes - header) / durationSeconds : FALLBACK_BYTES_PER_SECOND;
  return Math.max(1, Math.min(totalBytes, header + Math.ceil(perSecond * MINUTE)));
}

/**
 * The size of the ID3v2 tag a file starts with (header, frames, padding and footer), from its
 * first 10 bytes; 0 when it has none.
 */
export function id3TagBytes(head: Uint8Array): number {
  if (head.length < 10 || head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return 0; // "ID3"
  const syncsafe = [head[6]!, head[7]!, head[8]!, head[9]!];
  if (syncsafe.some((b) => b > 0x7f)) return 0;
  const size = (syncsafe[0]! << 21) | (syncsafe[1]! << 14) | (syncsafe[2]! << 7) | syncsafe[3]!;
  const footer = head[3] === 4 && (head[5]! & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
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
