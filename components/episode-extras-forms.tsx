"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { parseChapterLines, parseJsonChapters, formatChapterLines, toJsonChapters } from "@/lib/chapters";
import { formatSize } from "@/lib/format";
import { detectTranscriptFormat, parseTranscript, type TranscriptFormat } from "@/lib/transcripts";
import { FormMessage } from "./ui";
import { buttonClass, inputClass } from "./styles";

type Message = { text: string; ok: boolean } | null;

/** Sends a request to our API with the session cookie; the API's error message on failure. */
async function send(url: string, init: RequestInit): Promise<string | null> {
  try {
    const res = await fetch(url, { ...init, credentials: "same-origin" });
    if (res.ok) return null;
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    return body?.error?.message ?? `The server answered ${res.status}.`;
  } catch {
    return "Could not reach the server. Check your connection and try again.";
  }
}

const FORMAT_NAMES: Record<TranscriptFormat, string> = { srt: "SubRip (SRT)", vtt: "WebVTT" };

/** Uploads an SRT or WebVTT transcript: checked here first, so a bad line is named before sending. */
export function TranscriptUpload({
  episodeId,
  current,
}: {
  episodeId: string;
  current: { format: TranscriptFormat; cueCount: number; sizeBytes: number } | null;
}) {
  const router = useRouter();
  const inputId = useId();
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);
  const url = `/api/v1/episodes/${episodeId}/transcript`;

  async function upload(file: File) {
    setMessage(null);
    const text = await file.text();
    const format = detectTranscriptFormat(text, file.name);
    const checked = parseTranscript(text, format);
    if (!checked.ok) {
      setMessage({ text: `${file.name}: ${checked.message}`, ok: false });
      return;
    }
    setBusy(true);
    const error = await send(url, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ format, text }) });
    setBusy(false);
    setMessage(error ? { text: error, ok: false } : { text: `Transcript saved: ${checked.cues.length} cues.`, ok: true });
    if (!error) router.refresh();
  }

  async function remove() {
    setBusy(true);
    const error = await send(url, { method: "DELETE" });
    setBusy(false);
    setMessage(error ? { text: error, ok: false } : { text: "Transcript removed.", ok: true });
    if (!error) router.refresh();
  }

  return (
    <div className="space-y-2" data-testid="transcript-upload">
      <h3 className="font-medium">Transcript</h3>
      {current ? (
        <p className="flex flex-wrap items-center gap-3 text-sm text-slate-600">
          <span>
            {FORMAT_NAMES[current.format]}, {current.cueCount} cues, {formatSize(current.sizeBytes)}
          </span>
          <a href={url} className="text-indigo-700 underline">View</a>
          <button type="button" className="text-red-700 underline disabled:opacity-60" onClick={() => void remove()} disabled={busy}>
            Remove transcript
          </button>
        </p>
      ) : (
        <p className="text-sm text-slate-600">No transcript yet.</p>
      )}
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-700">
        {current ? "Replace with a file (SRT or WebVTT)" : "Transcript file (SRT or WebVTT)"}
      </label>
      <input
        id={inputId}
        type="file"
        accept=".srt,.vtt,text/vtt,application/x-subrip"
        disabled={busy}
        className="block text-sm"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = "";
          if (file) void upload(file);
        }}
      />
      <FormMessage message={message?.text} ok={message?.ok} />
    </div>
  );
}

/** Edits chapters as "start time + title" lines; a JSON chapters file can be loaded into the lines. */
export function ChaptersEditor({ episodeId, initialLines }: { episodeId: string; initialLines: string }) {
  const router = useRouter();
  const textareaId = useId();
  const fileId = useId();
  const [lines, setLines] = useState(initialLines);
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);

  async function save() {
    setMessage(null);
    const parsed = parseChapterLines(lines);
    if (!parsed.ok) {
      setMessage({ text: parsed.message, ok: false });
      return;
    }
    setBusy(true);
    const error = await send(`/api/v1/episodes/${episodeId}/chapters`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(toJsonChapters(parsed.chapters)),
    });
    setBusy(false);
    const saved = parsed.chapters.length ? `${parsed.chapters.length} chapters saved.` : "Chapters removed.";
    setMessage(error ? { text: error, ok: false } : { text: saved, ok: true });
    if (!error) router.refresh();
  }

  async function importFile(file: File) {
    const parsed = parseJsonChapters(await file.text());
    if (!parsed.ok) {
      setMessage({ text: `${file.name}: ${parsed.message}`, ok: false });
      return;
    }
    setLines(formatChapterLines(parsed.chapters));
    setMessage({ text: `Loaded ${parsed.chapters.length} chapters from ${file.name}. Check them, then save.`, ok: true });
  }

  return (
    <form
      aria-label="Chapters"
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label htmlFor={textareaId} className="block font-medium">Chapters</label>
      <textarea
        id={textareaId}
        rows={6}
        value={lines}
        onChange={(e) => setLines(e.currentTarget.value)}
        placeholder={"0:00 Intro\n12:34 Interview\n58:10 Listener questions"}
        className={`${inputClass} font-mono text-sm`}
        aria-describedby={`${textareaId}-hint`}
      />
      <p id={`${textareaId}-hint`} className="text-xs text-slate-500">
        One chapter a line: its start time, then its title, in order. The public page and the feed use them as soon as you
        save; they are written into the MP3 file (ID3 chapters) the next time you process the episode.
      </p>
      <div className="flex flex-wrap items-center gap-4">
        <button type="submit" className={buttonClass()} disabled={busy} aria-busy={busy}>
          {busy ? "Saving…" : "Save chapters"}
        </button>
        <label htmlFor={fileId} className="min-w-0 text-sm text-slate-700">
          Load a JSON chapters file:
          <input
            id={fileId}
            type="file"
            accept=".json,application/json,application/json+chapters"
            className="mt-1 block max-w-full text-sm"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = "";
              if (file) void importFile(file);
            }}
          />
        </label>
      </div>
      <FormMessage message={message?.text} ok={message?.ok} />
    </form>
  );
}
