"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { discardUpload, sentBytes, unfinishedUploads, uploadDirect, type SavedUpload } from "./direct-upload";
import { sendThroughApp } from "./upload-file";
import { useFileDrop } from "./use-file-drop";

interface Item {
  key: string;
  name: string;
  size: number;
  loaded: number;
  state: "queued" | "uploading" | "checking" | "done" | "duplicate" | "error";
  message?: string;
  resumed?: boolean;
}

const CONCURRENCY = 2;

/**
 * Drag-and-drop (or pick) several files; each uploads with its own progress bar. `direct`: the
 * server keeps media in object storage, so files go straight to the bucket in resumable parts
 * (./direct-upload.ts) instead of through the app.
 */
export function Uploader({ maxBytes, direct = false }: { maxBytes: number; direct?: boolean }) {
  const [items, setItems] = useState<Item[]>([]);
  const [unfinished, setUnfinished] = useState<SavedUpload[]>([]);
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- localStorage exists only in the browser, after hydration
    if (direct) setUnfinished(unfinishedUploads());
  }, [direct]);
  const input = useRef<HTMLInputElement>(null);
  const router = useRouter();

  const update = (key: string, patch: Partial<Item>) => setItems((all) => all.map((i) => (i.key === key ? { ...i, ...patch } : i)));

  const start = useCallback(
    async (files: File[]) => {
      const batch = files.map((f, n) => ({ file: f, key: `${Date.now()}-${n}-${f.name}` }));
      setItems((all) => [
        ...batch.map(({ file, key }) => ({ key, name: file.name, size: file.size, loaded: 0, state: "queued" as const })),
        ...all,
      ]);
      const queue = [...batch];
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const { file, key } = next;
          if (file.size > maxBytes) {
            update(key, { state: "error", message: "This file is larger than the upload limit." });
            continue;
          }
          update(key, { state: "uploading" });
          const { status, body } = direct
            ? await uploadDirect(file, (loaded, resumed) => update(key, { loaded, resumed, state: loaded >= file.size ? "checking" : "uploading" }))
            : await sendThroughApp(file, (loaded) => update(key, { loaded, state: loaded >= file.size ? "checking" : "uploading" }));
          if (status === 201) update(key, { state: "done", loaded: file.size });
          else if (status === 200) update(key, { state: "duplicate", loaded: file.size, message: "Already in your library." });
          else update(key, { state: "error", message: body?.error?.message ?? "The upload failed. Check your connection and try again." });
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      if (direct) setUnfinished(unfinishedUploads());
      router.refresh();
    },
    [direct, maxBytes, router],
  );

  const { dragging, dropProps } = useFileDrop((files) => void start(files));

  return (
    <div className="space-y-3">
      <div
        {...dropProps}
        className={`rounded-lg border-2 border-dashed p-8 text-center ${dragging ? "border-indigo-500 bg-indigo-50" : "border-slate-300 bg-white"}`}
        data-testid="dropzone"
      >
        <p className="font-medium">Drop audio or images here</p>
        <p className="text-sm text-slate-600">WAV, MP3, M4A, FLAC, Ogg/Opus, AIFF · JPEG or PNG cover art</p>
        <label className="mt-3 inline-block cursor-pointer rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700 focus-within:ring-2 focus-within:ring-indigo-500">
          Choose files
          <input
            ref={input}
            type="file"
            multiple
            className="sr-only"
            accept="audio/*,.wav,.mp3,.m4a,.flac,.ogg,.opus,.aif,.aiff,image/jpeg,image/png"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = "";
              if (files.length) void start(files);
            }}
          />
        </label>
      </div>
      {unfinished.length > 0 && (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm" aria-label="Unfinished uploads">
          <p className="font-medium">Unfinished uploads — choose the same file again to continue where it stopped:</p>
          <ul className="mt-1 space-y-1">
            {unfinished.map((u) => (
              <li key={u.key} className="flex items-center justify-between gap-2">
                <span className="truncate">
                  {u.name} · {Math.floor((100 * sentBytes(u)) / u.size)}% sent
                </span>
                <button
                  type="button"
                  className="text-red-700 underline"
                  onClick={() => {
                    setUnfinished((all) => all.filter((x) => x.key !== u.key));
                    void discardUpload(u);
                  }}
                >
                  Discard
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {items.length > 0 && (
        <ul className="space-y-2" aria-label="Uploads">
          {items.map((i) => {
            const pct = i.size ? Math.round((100 * i.loaded) / i.size) : 100;
            return (
              <li key={i.key} className="rounded-md border border-slate-200 bg-white p-3 text-sm">
                <div className="flex justify-between gap-2">
                  <span className="truncate font-medium">{i.name}</span>
                  <span className={i.state === "error" ? "text-red-700" : "text-slate-600"}>
                    {{ queued: "Waiting…", uploading: `${i.resumed ? "Resuming · " : ""}${pct}%`, checking: "Checking…", done: "Uploaded", duplicate: "Already uploaded", error: "Failed" }[i.state]}
                  </span>
                </div>
                <progress className="mt-2 h-2 w-full" max={100} value={i.state === "error" ? 0 : pct} aria-label={`Upload of ${i.name}`} />
                {i.message && (
                  <p role={i.state === "error" ? "alert" : "status"} className={i.state === "error" ? "text-red-700" : "text-slate-600"}>
                    {i.message}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
