/**
 * Episode chapters: Podcasting 2.0 JSON chapters in and out, and the dashboard's list of
 * "start time + title" lines. Pure functions (no database), shared by the API, the data layer,
 * the public chapters.json route and the dashboard's editor, which checks before sending.
 */

/** As stored on the episode (`episodes.chapters`) and written to the MP3's ID3 CHAP frames. */
export interface Chapter {
  startSeconds: number;
  title: string;
}

export type ChaptersResult = { ok: true; chapters: Chapter[] } | { ok: false; message: string; line?: number; path?: string };

export const MAX_CHAPTERS = 500;
export const MAX_CHAPTER_TITLE = 200;
/** The Podcasting 2.0 JSON chapters version we write. */
export const JSON_CHAPTERS_VERSION = "1.2.0";
export const JSON_CHAPTERS_CONTENT_TYPE = "application/json+chapters";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** 3725.5 → "1:02:05.500", 754 → "12:34", 0 → "0:00". */
export function formatChapterTime(total: number): string {
  const ms = Math.round(total * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const frac = ms % 1000 ? `.${String(ms % 1000).padStart(3, "0")}` : "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(s)}${frac}` : `${m}:${pad(s)}${frac}`;
}

/**
 * The rules every chapter list keeps, wherever it came from: at most MAX_CHAPTERS, start times
 * finite, not negative and strictly ascending, titles present and short. `where(i)` names
 * chapter i in the message (a line of the editor, or a path in the JSON).
 */
function checkChapters(chapters: Chapter[], where: (i: number) => { prefix: string; line?: number; path?: string }): ChaptersResult {
  if (chapters.length > MAX_CHAPTERS) return { ok: false, message: `At most ${MAX_CHAPTERS} chapters.` };
  for (let i = 0; i < chapters.length; i++) {
    const c = chapters[i]!;
    const at = where(i);
    const bad = (what: string): ChaptersResult => ({ ok: false, message: `${at.prefix}: ${what}`, line: at.line, path: at.path });
    if (!Number.isFinite(c.startSeconds) || c.startSeconds < 0) return bad("the start time must be a number of seconds, 0 or more");
    if (c.title.trim() === "") return bad("every chapter needs a title");
    if (c.title.length > MAX_CHAPTER_TITLE) return bad(`the title is longer than ${MAX_CHAPTER_TITLE} characters`);
    const prev = chapters[i - 1];
    if (prev && c.startSeconds <= prev.startSeconds) {
      return bad(`starts at ${formatChapterTime(c.startSeconds)}, not after the chapter before it (${formatChapterTime(prev.startSeconds)}); list chapters in order`);
    }
  }
  return { ok: true, chapters: chapters.map((c) => ({ startSeconds: c.startSeconds, title: c.title.trim() })) };
}

/** Validates an already-built list (for the data layer, whatever the caller checked). */
export function validateChapters(chapters: Chapter[]): ChaptersResult {
  return checkChapters(chapters, (i) => ({ prefix: `Chapter ${i + 1}` }));
}

/**
 * Validates a Podcasting 2.0 JSON chapters document (a parsed object or its text):
 * `{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}, …]}`. Only start times
 * and titles are kept; other chapter fields (img, url, toc, endTime, location) are ignored.
 */
export function parseJsonChapters(input: unknown): ChaptersResult {
  let doc = input;
  if (typeof input === "string") {
    try {
      doc = JSON.parse(input.replace(/^\uFEFF/, ""));
    } catch (err) {
      const position = /position (\d+)/.exec((err as Error).message)?.[1];
      const line = position ? input.slice(0, Number(position)).split("\n").length : undefined;
      return { ok: false, line, message: line ? `Line ${line}: this is not valid JSON.` : "This is not valid JSON." };
    }
  }
  if (!isObject(doc)) return { ok: false, message: 'Expected a JSON object like {"version": "1.2.0", "chapters": [...]}.' };
  if (typeof doc.version !== "string" || !/^\d+\.\d+(\.\d+)?$/.test(doc.version)) {
    return { ok: false, path: "version", message: 'version: expected the format\'s version as a string, like "1.2.0".' };
  }
  if (!Array.isArray(doc.chapters)) return { ok: false, path: "chapters", message: "chapters: expected an array of chapters." };
  const chapters: Chapter[] = [];
  for (let i = 0; i < doc.chapters.length; i++) {
    const c: unknown = doc.chapters[i];
    const path = `chapters[${i}]`;
    if (!isObject(c)) return { ok: false, path, message: `${path}: expected an object with startTime and title.` };
    if (typeof c.startTime !== "number") {
      return { ok: false, path: `${path}.startTime`, message: `${path}.startTime: expected a number of seconds.` };
    }
    if (typeof c.title !== "string") return { ok: false, path: `${path}.title`, message: `${path}.title: every chapter needs a title.` };
    chapters.push({ startSeconds: c.startTime, title: c.title });
  }
  return checkChapters(chapters, (i) => ({ prefix: `chapters[${i}]`, path: `chapters[${i}]` }));
}

/** A chapter list as a Podcasting 2.0 JSON chapters document. */
export function toJsonChapters(chapters: Chapter[]) {
  return {
    version: JSON_CHAPTERS_VERSION,
    chapters: chapters.map((c) => ({ startTime: c.startSeconds, title: c.title })),
  };
}

const TIME = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$/;

/** "1:02:03.5" → 3723.5; null when it is not a time. Minutes and seconds stay below 60. */
export function parseChapterTime(value: string): number | null | "out_of_range" {
  const m = TIME.exec(value.trim());
  if (!m) return null;
  const [h, min, s] = [Number(m[1] ?? 0), Number(m[2]), Number(m[3])];
  if ((m[1] !== undefined && min >= 60) || s >= 60) return "out_of_range";
  return h * 3600 + min * 60 + s + (m[4] ? Number(m[4].padEnd(3, "0")) / 1000 : 0);
}

/**
 * Parses the dashboard's chapter lines: one chapter a line, a start time then its title
 * (`0:00 Intro`, `12:34 Interview`, `1:02:03 - Outro`). Blank lines are skipped.
 */
export function parseChapterLines(text: string): ChaptersResult {
  const chapters: Chapter[] = [];
  const lines: number[] = [];
  const rows = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!.trim();
    if (row === "") continue;
    const line = i + 1;
    const m = /^(\S+)\s+(?:[-–—]\s+)?(.*)$/.exec(row);
    const time = m ? parseChapterTime(m[1]!) : null;
    if (time === "out_of_range") return { ok: false, line, message: `Line ${line}: minutes and seconds go up to 59 in "${m![1]}".` };
    if (!m || time === null || m[2]!.trim() === "") {
      return { ok: false, line, message: `Line ${line}: expected a start time and a title, like 12:34 Interview.` };
    }
    chapters.push({ startSeconds: time, title: m[2]! });
    lines.push(line);
  }
  return checkChapters(chapters, (i) => ({ prefix: `Line ${lines[i]}`, line: lines[i] }));
}

/** The dashboard's lines for a chapter list. */
export function formatChapterLines(chapters: Chapter[]): string {
  return chapters.map((c) => `${formatChapterTime(c.startSeconds)} ${c.title}`).join("\n");
}
