"use client";

import { useCallback, useRef, useState } from "react";
import { buttonClass } from "./styles";
import { useFileDrop } from "./use-file-drop";
import { uploadFile, type UploadResult } from "./upload-file";

/** Where the upload of one recording stands. */
export interface RecordingUploadState {
  name: string;
  size: number;
  loaded: number;
  phase: "uploading" | "checking" | "done" | "error";
  message?: string;
}

export const AUDIO_ACCEPT = "audio/*,.wav,.mp3,.m4a,.flac,.ogg,.opus,.aif,.aiff";

/**
 * One recording uploaded into the media library with progress (straight to the bucket when
 * `direct`). `pending` is the latest upload's promise, for a form that waits on it at submit.
 */
export function useRecordingUpload({ direct, maxBytes }: { direct: boolean; maxBytes: number }) {
  const [upload, setUpload] = useState<RecordingUploadState | null>(null);
  const pending = useRef<Promise<UploadResult> | null>(null);
  const latest = useRef(0);

  const start = useCallback(
    (file: File): Promise<UploadResult> => {
      const mine = ++latest.current;
      const set = (patch: Partial<RecordingUploadState>) => {
        if (latest.current === mine) setUpload((u) => (u ? { ...u, ...patch } : u));
      };
      setUpload({ name: file.name, size: file.size, loaded: 0, phase: "uploading" });
      const promise = uploadFile(file, {
        direct,
        maxBytes,
        onProgress: (loaded) => set({ loaded, phase: loaded >= file.size ? "checking" : "uploading" }),
      }).then((result) => {
        set(result.ok ? { loaded: file.size, phase: "done" } : { phase: "error", message: result.message });
        return result;
      });
      pending.current = promise;
      return promise;
    },
    [direct, maxBytes],
  );

  const clear = useCallback(() => {
    latest.current++;
    pending.current = null;
    setUpload(null);
  }, []);

  return { upload, start, pending, clear };
}

/** A drop zone with a "choose" button (keyboard: Tab to it, Enter or Space opens the file chooser). */
export function RecordingDropZone({ onFile, label, compact = false }: { onFile: (file: File) => void; label: string; compact?: boolean }) {
  const { dragging, dropProps } = useFileDrop((files) => onFile(files[0]!));
  const input = useRef<HTMLInputElement>(null);
  return (
    <div
      {...dropProps}
      className={`rounded-lg border-2 border-dashed text-center ${compact ? "p-4" : "p-6 sm:p-10"} ${dragging ? "border-indigo-500 bg-indigo-50" : "border-slate-300 bg-slate-50"}`}
      data-testid="recording-dropzone"
    >
      {!compact && <p className="font-medium text-slate-900">Drop your recording here</p>}
      <p className="text-sm text-slate-600">WAV, MP3, M4A, FLAC, Ogg/Opus or AIFF</p>
      <button type="button" className={`${buttonClass(compact ? "secondary" : "primary")} mt-3`} onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept={AUDIO_ACCEPT}
        className="hidden"
        tabIndex={-1}
        data-testid="recording-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) onFile(file);
        }}
      />
    </div>
  );
}

/** The progress bar and state of one recording's upload. */
export function RecordingUploadProgress({ upload }: { upload: RecordingUploadState }) {
  const pct = upload.size ? Math.round((100 * upload.loaded) / upload.size) : 100;
  const label = { uploading: `Uploading · ${pct}%`, checking: "Checking the file…", done: "Uploaded", error: "Upload failed" }[upload.phase];
  return (
    <div className="space-y-2 rounded-md border border-slate-200 bg-white p-3 text-sm" data-testid="upload-progress">
      <div className="flex flex-wrap justify-between gap-x-2">
        <span className="min-w-0 break-all font-medium">{upload.name}</span>
        <span aria-live="polite" className={upload.phase === "error" ? "text-red-700" : "text-slate-600"}>
          {label}
        </span>
      </div>
      <progress className="h-2 w-full" max={100} value={upload.phase === "error" ? 0 : pct} aria-label={`Upload of ${upload.name}`} />
      {upload.message && (
        <p role="alert" className="text-red-700">
          {upload.message}
        </p>
      )}
    </div>
  );
}
