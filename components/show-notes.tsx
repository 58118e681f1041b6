import { linkTimestamps, renderNotes } from "@/lib/markdown";

/** The look of rendered notes (public pages and the editor's preview). */
export const showNotesClass =
  "space-y-3 break-words text-slate-800 [&_a]:text-indigo-700 [&_a]:underline [&_blockquote]:border-l-4 [&_blockquote]:pl-3 [&_h2]:text-lg [&_h2]:font-semibold [&_h3]:font-semibold [&_h4]:font-medium [&_ol]:list-decimal [&_ol]:pl-6 [&_pre]:overflow-x-auto [&_ul]:list-disc [&_ul]:pl-6";

/**
 * Show notes (Markdown, or HTML from before Markdown), rendered and sanitized here so no caller
 * can pass unsafe HTML through. With `seekLinks`, timestamps like 12:34 seek the page's player.
 */
export function ShowNotes({ notes, seekLinks = false, className = "" }: { notes: string; seekLinks?: boolean; className?: string }) {
  const html = renderNotes(notes);
  if (!html) return null;
  return <div className={`${showNotesClass} ${className}`} dangerouslySetInnerHTML={{ __html: seekLinks ? linkTimestamps(html) : html }} />;
}
