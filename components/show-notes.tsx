import { sanitizeShowNotes } from "@/lib/sanitize";

/** Show notes (HTML or plain text), sanitized here so no caller can pass unsafe HTML through. */
export function ShowNotes({ notes, className = "" }: { notes: string; className?: string }) {
  const html = sanitizeShowNotes(notes);
  if (!html) return null;
  return (
    <div
      className={`space-y-3 text-slate-800 [&_a]:text-indigo-700 [&_a]:underline [&_blockquote]:border-l-4 [&_blockquote]:pl-3 [&_h2]:text-lg [&_h2]:font-semibold [&_h3]:font-semibold [&_ol]:list-decimal [&_ol]:pl-6 [&_pre]:overflow-x-auto [&_ul]:list-disc [&_ul]:pl-6 ${className}`}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
