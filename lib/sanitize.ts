import sanitizeHtml from "sanitize-html";

/**
 * The one place that decides which HTML of a show's text is safe to show: the public pages
 * render it and the RSS feed puts it in item descriptions. Show notes are Markdown rendered by
 * lib/markdown.ts, or HTML (or plain text) from before Markdown and from imported feeds; either
 * way the result is HTML with only the tags podcast apps display (Apple allows p, ol, ul, li and
 * a) plus simple formatting, links restricted to http(s) and mailto.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "a", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "blockquote", "code", "pre", "h2", "h3", "h4", "hr"],
  allowedAttributes: { a: ["href", "title", "rel"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Links written by a show's owner leave the site: no referrer, no ranking credit, no opener.
  transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "nofollow noopener noreferrer" }) },
};

const LOOKS_LIKE_HTML = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/i;

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Plain text → paragraphs (blank lines) and line breaks, with bare http(s) links made clickable. */
function textToHtml(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((para) => {
      const html = escapeHtml(para).replace(/\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g, (url) => `<a href="${url}">${url}</a>`);
      return `<p>${html.replace(/\r?\n/g, "<br />")}</p>`;
    })
    .join("\n");
}

/** Show notes (HTML or plain text) as safe HTML for a page or a feed item. */
export function sanitizeShowNotes(notes: string): string {
  if (!notes.trim()) return "";
  return sanitizeHtml(LOOKS_LIKE_HTML.test(notes) ? notes : textToHtml(notes), OPTIONS);
}

/** HTML (Markdown's output, with any HTML the podcaster wrote inside it) made safe. */
export function sanitizeNotesHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}

/** Show notes as one line of plain text (for meta descriptions and previews), cut at `max` characters. */
export function showNotesText(notes: string, max = 300): string {
  const text = sanitizeHtml(notes.replace(/<\/(p|li|h\d|blockquote)>|<br\s*\/?>/gi, "$& "), { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/\s+\S*$/, "")}…`;
}
