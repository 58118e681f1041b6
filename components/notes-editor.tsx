"use client";

import { useRef, useState, type KeyboardEvent } from "react";
import { FEED_NOTES_LIMIT_BYTES, feedNotesBytes, isHtmlNotes, linkTimestamps, renderNotes } from "@/lib/markdown";
import { showNotesClass } from "./show-notes";
import { inputClass } from "./styles";

/** A toolbar edit: replace text[from, end) with `text`, then select `select`. */
type Edit = (text: string, start: number, end: number) => { from: number; text: string; select: [number, number] };

/** Wraps the selection in `mark` (or inserts `mark` + placeholder + `mark`, placeholder selected). */
const wrap =
  (mark: string, placeholder: string): Edit =>
  (text, start, end) => {
    const inner = text.slice(start, end) || placeholder;
    return { from: start, text: `${mark}${inner}${mark}`, select: [start + mark.length, start + mark.length + inner.length] };
  };

/** Starts each selected line (or the current one) with `prefix`. */
const prefixLines =
  (prefix: string): Edit =>
  (text, start, end) => {
    const lineStart = text.lastIndexOf("\n", start - 1) + 1;
    const block = text.slice(lineStart, end);
    const out = block
      .split("\n")
      .map((l) => prefix + l)
      .join("\n");
    return { from: lineStart, text: out, select: [lineStart + prefix.length, lineStart + out.length] };
  };

const link: Edit = (text, start, end) => {
  const label = text.slice(start, end) || "link text";
  const out = `[${label}](https://)`;
  const urlAt = start + label.length + 3;
  return { from: start, text: out, select: [urlAt, urlAt + "https://".length] };
};

const TOOLS: { label: string; text: string; keys?: string; edit: Edit }[] = [
  { label: "Bold", text: "B", keys: "Control+B", edit: wrap("**", "bold text") },
  { label: "Italic", text: "I", keys: "Control+I", edit: wrap("_", "italic text") },
  { label: "Link", text: "Link", keys: "Control+K", edit: link },
  { label: "Bulleted list", text: "• List", edit: prefixLines("- ") },
  { label: "Heading", text: "H", edit: prefixLines("## ") },
];

/**
 * The show-notes editor: Markdown in a textarea, a live preview rendered by the same code as the
 * public page and the feed (lib/markdown.ts), a small toolbar, and the count of bytes the feed
 * will carry against Apple's 4,000-byte limit, which the server checks with the same function.
 * Side by side on wide screens, stacked on a phone. The textarea stays uncontrolled, so the
 * form's reset after a server action works as for any other field.
 */
export function NotesEditor({
  label,
  name,
  defaultValue,
  error,
  rows = 10,
  maxLength,
}: {
  label: string;
  name: string;
  defaultValue: string;
  error?: string;
  rows?: number;
  maxLength?: number;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState(defaultValue);
  const [shownDefault, setShownDefault] = useState(defaultValue);
  if (defaultValue !== shownDefault) {
    // The form came back from its action with other values: show those.
    setShownDefault(defaultValue);
    setText(defaultValue);
  }

  const html = renderNotes(text);
  const bytes = feedNotesBytes(text);
  const over = bytes > FEED_NOTES_LIMIT_BYTES;
  const ids = { hint: `${name}-hint`, count: `${name}-bytes`, error: `${name}-error`, preview: `${name}-preview` };

  const apply = (edit: Edit) => {
    const ta = area.current;
    if (!ta) return;
    const { selectionStart: start, selectionEnd: end, value } = ta;
    const out = edit(value, start, end);
    ta.focus();
    ta.setRangeText(out.text, out.from, end, "preserve");
    ta.setSelectionRange(out.select[0], out.select[1]);
    setText(ta.value);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
    const tool = TOOLS.find((t) => t.keys?.endsWith(`+${e.key.toUpperCase()}`));
    if (!tool) return;
    e.preventDefault();
    apply(tool.edit);
  };

  return (
    <div className="space-y-2">
      <label htmlFor={name} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <p id={ids.hint} className="text-xs text-slate-500">
        Markdown: **bold**, _italic_, [link](https://…), lists with - or 1., headings with ##. Timestamps like 12:34 or 1:02:03 become links that play from
        there on the episode page.
      </p>
      {isHtmlNotes(text) && (
        <p className="text-xs text-slate-600" data-testid="html-notes">
          These notes are HTML (from before Markdown, or imported): they are shown as they are, sanitized. Remove the HTML tags to write Markdown.
        </p>
      )}
      <div className="grid gap-3 md:grid-cols-2">
        <div className="min-w-0 space-y-1">
          <div role="group" aria-label="Formatting" className="flex flex-wrap gap-1">
            {TOOLS.map((t) => (
              <button
                key={t.label}
                type="button"
                onClick={() => apply(t.edit)}
                aria-label={t.label}
                aria-keyshortcuts={t.keys}
                title={t.keys ? `${t.label} (${t.keys.replace("Control", "Ctrl")})` : t.label}
                className="min-h-11 min-w-11 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
              >
                {t.text === "B" ? <strong>B</strong> : t.text === "I" ? <em>I</em> : t.text}
              </button>
            ))}
          </div>
          <textarea
            ref={area}
            id={name}
            name={name}
            rows={rows}
            maxLength={maxLength}
            defaultValue={defaultValue}
            onChange={(e) => setText(e.currentTarget.value)}
            onKeyDown={onKeyDown}
            spellCheck
            className={`${inputClass} font-mono text-sm`}
            aria-invalid={error || over ? true : undefined}
            aria-describedby={[error ? ids.error : null, ids.count, ids.hint].filter(Boolean).join(" ")}
          />
          <p id={ids.count} data-testid="notes-bytes" className={`text-xs ${over ? "font-medium text-red-700" : "text-slate-500"}`}>
            {bytes.toLocaleString("en-US")} / {FEED_NOTES_LIMIT_BYTES.toLocaleString("en-US")} bytes in the feed
            {over && <span role="status"> — over Apple Podcasts&apos; limit by {(bytes - FEED_NOTES_LIMIT_BYTES).toLocaleString("en-US")} bytes</span>}
          </p>
        </div>
        <section aria-labelledby={`${ids.preview}-heading`} className="min-w-0 space-y-1">
          <h3 id={`${ids.preview}-heading`} className="text-sm font-medium text-slate-700">
            Preview
          </h3>
          {/* Links in the preview only show where they go: following one would leave unsaved notes. */}
          <div
            id={ids.preview}
            data-testid="notes-preview"
            onClickCapture={(e) => {
              if (e.target instanceof Element && e.target.closest("a")) e.preventDefault();
            }}
            className="min-h-24 overflow-x-auto rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
            {html ? (
              <div className={showNotesClass} dangerouslySetInnerHTML={{ __html: linkTimestamps(html) }} />
            ) : (
              <p className="text-slate-500">Nothing to preview yet.</p>
            )}
          </div>
        </section>
      </div>
      {error && (
        <p id={ids.error} className="text-sm text-red-600" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
