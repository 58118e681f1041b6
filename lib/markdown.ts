import { Marked } from "marked";
import { sanitizeNotesHtml, sanitizeShowNotes, showNotesText } from "@/lib/sanitize";

/**
 * Show notes are stored as Markdown and rendered here, once, through the app's one sanitizer
 * (lib/sanitize.ts): the feed's description/content:encoded, the public pages, JSON-LD and
 * meta descriptions (as text), and the editor's preview and byte counter all call these
 * functions, so what the podcaster previews is byte for byte what podcast apps get.
 *
 * Pure (no Node or browser APIs): the dashboard's editor runs the same code in the browser.
 */

/** Apple Podcasts' limit on an episode's or show's description, in bytes of what the feed carries. */
export const FEED_NOTES_LIMIT_BYTES = 4000;

// GitHub-flavoured (autolinked bare URLs, as plain-text notes had), a line break where the
// podcaster typed one (notes written as plain text keep their lines), no indented code blocks:
// podcasters indent lists and pasted text, never code, and four spaces must not turn notes into
// a code block. Headings move one level down: the page's own title is the h1.
const markdown = new Marked(
  { gfm: true, breaks: true, async: false },
  {
    tokenizer: {
      code: () => undefined,
    },
    renderer: {
      heading({ tokens, depth }) {
        const level = Math.min(depth + 1, 4);
        return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
      },
    },
  },
);

// Notes written before Markdown (and every imported feed's notes, which the importer sanitizes
// into HTML) are HTML: they begin with a tag or hold a paragraph's end tag. They are sanitized as
// they are, so they render exactly as before; run through Markdown, their blank lines and
// underscores would change them.
const HTML_NOTES = /^\s*<[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>|<\/p\s*>/i;

/** Whether these notes are HTML from before Markdown notes (shown as they are, sanitized). */
export function isHtmlNotes(notes: string): boolean {
  return HTML_NOTES.test(notes);
}

function render(notes: string): string {
  if (!notes.trim()) return "";
  if (isHtmlNotes(notes)) return sanitizeShowNotes(notes);
  return sanitizeNotesHtml(markdown.parse(notes, { async: false }));
}

// Rendering is most of the cost of a feed item; a feed rebuilt after one edit reuses the other
// items' HTML. Keyed by the notes themselves, so it can never serve stale HTML. Bounded by size
// (characters of notes and HTML), oldest first out; small in the browser, where the editor
// renders every keystroke's text once and only needs the latest few.
const rendered = new Map<string, string>();
const MAX_RENDERED_CHARS = typeof window === "undefined" ? 16 * 1024 * 1024 : 256 * 1024;
let renderedChars = 0;

/** Show notes (Markdown, or HTML from before Markdown) as safe HTML: what the feed carries. */
export function renderNotes(notes: string): string {
  let html = rendered.get(notes);
  if (html === undefined) {
    html = render(notes);
    rendered.set(notes, html);
    renderedChars += notes.length + html.length;
    for (const [k, v] of rendered) {
      if (renderedChars <= MAX_RENDERED_CHARS) break;
      rendered.delete(k);
      renderedChars -= k.length + v.length;
    }
  }
  return html;
}

/** Show notes as one line of plain text (meta descriptions, JSON-LD, previews), cut at `max` characters. */
export function notesText(notes: string, max = 300): string {
  return showNotesText(renderNotes(notes), max);
}

const encoder = new TextEncoder();

/** Bytes (UTF-8) of the HTML the feed carries for these notes: what Apple's 4,000-byte limit counts. */
export function feedNotesBytes(notes: string): number {
  return encoder.encode(renderNotes(notes)).length;
}

/** The problem with notes over Apple's limit, or null. Forms, the API and the editor say the same. */
export function feedNotesProblem(notes: string): string | null {
  const bytes = feedNotesBytes(notes);
  return bytes > FEED_NOTES_LIMIT_BYTES
    ? `The feed would carry ${bytes.toLocaleString("en-US")} bytes of notes; Apple Podcasts allows ${FEED_NOTES_LIMIT_BYTES.toLocaleString("en-US")}. Shorten them by ${(bytes - FEED_NOTES_LIMIT_BYTES).toLocaleString("en-US")} bytes.`
    : null;
}

// 12:34, 1:02:03 (minutes and seconds below 60); not inside a longer number, a clock with
// seconds' fractions or a word like 10:30am.
const TIMESTAMP = /(?<![\w:.])(?:(\d{1,2}):([0-5]\d):([0-5]\d)|(\d{1,3}):([0-5]\d))(?![\w:]|\.\d)/g;

/** Seconds of a `12:34` or `1:02:03` timestamp, or null when it is not one. */
export function timestampSeconds(text: string): number | null {
  TIMESTAMP.lastIndex = 0;
  const m = TIMESTAMP.exec(text);
  if (!m || m[0] !== text) return null;
  return m[1] !== undefined ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : Number(m[4]) * 60 + Number(m[5]);
}

const SKIP = new Set(["a", "code", "pre"]);

/**
 * Rendered notes with each timestamp in their text made a link that seeks the episode page's
 * player (`<a href="#t=12:34" data-seek="754">`; components/episode-listen.tsx handles the
 * click). Runs on sanitized HTML, whose text has no raw `<`, and adds only links it writes
 * itself from digits; text inside links and code is left alone.
 */
export function linkTimestamps(html: string): string {
  let skipDepth = 0;
  return html
    .split(/(<[^>]*>)/)
    .map((part) => {
      if (part.startsWith("<")) {
        const tag = /^<(\/?)([a-z0-9]+)/i.exec(part);
        if (tag && SKIP.has(tag[2]!.toLowerCase()) && !part.endsWith("/>")) skipDepth = Math.max(0, skipDepth + (tag[1] ? -1 : 1));
        return part;
      }
      if (skipDepth > 0 || !part) return part;
      return part.replace(TIMESTAMP, (t, h: string | undefined, hm: string, hs: string, m: string, s: string) => {
        const seconds = h !== undefined ? Number(h) * 3600 + Number(hm) * 60 + Number(hs) : Number(m) * 60 + Number(s);
        return `<a href="#t=${t}" data-seek="${seconds}">${t}</a>`;
      });
    })
    .join("");
}
