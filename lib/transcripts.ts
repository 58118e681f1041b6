/**
 * Transcript files: SubRip (SRT) and WebVTT, validated line by line so a bad upload gets a message
 * naming the first line that is wrong. Pure functions (no database), shared by the data layer,
 * the public routes and the dashboard's upload form, which checks a file before sending it.
 */

export const TRANSCRIPT_FORMATS = ["srt", "vtt"] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

/** Largest transcript we keep (about 15 hours of dense captions). */
export const MAX_TRANSCRIPT_BYTES = 1024 * 1024;

export const TRANSCRIPT_CONTENT_TYPES: Record<TranscriptFormat, string> = {
  srt: "application/x-subrip",
  vtt: "text/vtt",
};

export interface Cue {
  /** Seconds from the start of the audio. */
  start: number;
  end: number;
  /** The cue's text lines joined by "\n", markup left as written. */
  text: string;
}

export type TranscriptResult = { ok: true; cues: Cue[] } | { ok: false; line: number; message: string };

const SRT_TIME = String.raw`(\d{1,3}):([0-5]\d):([0-5]\d),(\d{3})`;
const SRT_TIMING = new RegExp(String.raw`^${SRT_TIME}\s+-->\s+${SRT_TIME}(?:\s.*)?$`);
const VTT_TIME = String.raw`(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})`;
const VTT_TIMING = new RegExp(String.raw`^${VTT_TIME}[ \t]+-->[ \t]+${VTT_TIME}(?:[ \t].*)?$`);

const seconds = (h: string | undefined, m: string, s: string, ms: string) => Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;

/** The file's lines without a byte-order mark, whatever its line endings. */
function linesOf(text: string): string[] {
  return text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
}

const fail = (line: number, message: string): TranscriptResult => ({ ok: false, line, message: `Line ${line}: ${message}` });

/**
 * No timing line at index `i`. When the cue's number or id stands alone (a blank line or the end
 * follows), that line is the one to name; otherwise the line that should have been the timing.
 */
function missingTiming(lines: string[], i: number, afterLabel: boolean, example: string): TranscriptResult {
  const expected = `expected a timing line like ${example}`;
  if (afterLabel && (lines[i] ?? "").trim() === "") return fail(i, `${expected} after "${lines[i - 1]!.trim()}"`);
  return fail(i + 1, expected);
}

/** Validates a SubRip file: numbered cues, each a timing line and at least one line of text. */
export function parseSrt(text: string): TranscriptResult {
  const lines = linesOf(text);
  const cues: Cue[] = [];
  let i = 0;
  const blank = (k: number) => (lines[k] ?? "").trim() === "";
  while (i < lines.length) {
    if (blank(i)) {
      i++;
      continue;
    }
    // The cue number; some tools leave it out, which players accept, so it is optional.
    const numbered = /^\d+$/.test(lines[i]!.trim());
    if (numbered) i++;
    const timingLine = i + 1;
    const m = SRT_TIMING.exec((lines[i] ?? "").trim());
    if (!m) return missingTiming(lines, i, numbered, "00:00:01,000 --> 00:00:04,000");
    const start = seconds(m[1], m[2]!, m[3]!, m[4]!);
    const end = seconds(m[5], m[6]!, m[7]!, m[8]!);
    if (end < start) return fail(timingLine, "the cue ends before it starts");
    i++;
    const textLines: string[] = [];
    while (i < lines.length && !blank(i)) {
      if (lines[i]!.includes("-->")) return fail(i + 1, "a timing line inside a cue's text; is a blank line missing before it?");
      textLines.push(lines[i]!);
      i++;
    }
    if (textLines.length === 0) return fail(i + 1, "expected the cue's text after its timing line");
    cues.push({ start, end, text: textLines.join("\n") });
  }
  if (cues.length === 0) return fail(1, "the file has no cues; expected a cue number, then a timing line like 00:00:01,000 --> 00:00:04,000");
  return { ok: true, cues };
}

/** Validates a WebVTT file: the WEBVTT header, then cues (with optional ids), NOTE, STYLE and REGION blocks. */
export function parseVtt(text: string): TranscriptResult {
  const lines = linesOf(text);
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? "")) return fail(1, 'a WebVTT file starts with "WEBVTT"');
  const blank = (k: number) => (lines[k] ?? "").trim() === "";
  let i = 1;
  // Header lines (metadata) run up to the first blank line.
  while (i < lines.length && !blank(i)) {
    if (lines[i]!.includes("-->")) return fail(i + 1, "expected a blank line after the WEBVTT header");
    i++;
  }
  const cues: Cue[] = [];
  while (i < lines.length) {
    if (blank(i)) {
      i++;
      continue;
    }
    const first = lines[i]!;
    if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first) && !first.includes("-->")) {
      while (i < lines.length && !blank(i)) i++;
      continue;
    }
    const identified = !first.includes("-->");
    if (identified) i++; // a cue identifier
    const timingLine = i + 1;
    const m = VTT_TIMING.exec(lines[i] ?? "");
    if (!m) return missingTiming(lines, i, identified, "00:00:01.000 --> 00:00:04.000");
    const start = seconds(m[1], m[2]!, m[3]!, m[4]!);
    const end = seconds(m[5], m[6]!, m[7]!, m[8]!);
    if (end < start) return fail(timingLine, "the cue ends before it starts");
    if (cues.length > 0 && start < cues[cues.length - 1]!.start) {
      return fail(timingLine, "cues must be in order of their start times");
    }
    i++;
    const textLines: string[] = [];
    while (i < lines.length && !blank(i)) {
      if (lines[i]!.includes("-->")) return fail(i + 1, 'cue text cannot contain "-->"; is a blank line missing before this cue?');
      textLines.push(lines[i]!);
      i++;
    }
    cues.push({ start, end, text: textLines.join("\n") });
  }
  if (cues.length === 0) return fail(lines.length, "the file has no cues");
  return { ok: true, cues };
}

/** Validates a transcript in the given format. */
export function parseTranscript(text: string, format: TranscriptFormat): TranscriptResult {
  if (new TextEncoder().encode(text).byteLength > MAX_TRANSCRIPT_BYTES) {
    return { ok: false, line: 1, message: "The transcript is larger than 1 MB." };
  }
  return format === "vtt" ? parseVtt(text) : parseSrt(text);
}

/** The format a file is in: from its name when it says, otherwise from its first line. */
export function detectTranscriptFormat(text: string, filename?: string): TranscriptFormat {
  const ext = filename?.toLowerCase().match(/\.(srt|vtt)$/)?.[1];
  if (ext) return ext as TranscriptFormat;
  return /^\uFEFF?WEBVTT/.test(text) ? "vtt" : "srt";
}

/** A cue's text as a reader sees it: no tags (`<v Ann>`, `<i>`), entities decoded. */
export function cueText(text: string): string {
  return text
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&");
}

/** The WebVTT speaker of a cue (`<v Ann>Hello`), if it names one. */
export function cueSpeaker(text: string): string | null {
  return /^<v(?:\.[\w.-]+)?[ \t]+([^>]+)>/.exec(text)?.[1]?.trim() ?? null;
}

function timestamp(total: number, separator: "," | "."): string {
  const ms = Math.round(total * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

/** Writes cues as a SubRip file (the other format of a stored WebVTT transcript). */
export function formatSrt(cues: Cue[]): string {
  return cues.map((c, n) => `${n + 1}\n${timestamp(c.start, ",")} --> ${timestamp(c.end, ",")}\n${c.text}\n`).join("\n");
}

/** Writes cues as a WebVTT file (the other format of a stored SubRip transcript). */
export function formatVtt(cues: Cue[]): string {
  // A line of only "-->" cannot occur: both parsers refuse it in cue text.
  return `WEBVTT\n\n${cues.map((c) => `${timestamp(c.start, ".")} --> ${timestamp(c.end, ".")}\n${c.text}\n`).join("\n")}`;
}
