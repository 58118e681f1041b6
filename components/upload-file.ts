import { uploadDirect, type Answer } from "./direct-upload";

/** Sends one file through the app (multipart form, POST /api/v1/files) with progress; resolves with the status and JSON body. */
export function sendThroughApp(file: File, onProgress: (loaded: number) => void): Promise<Answer> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/files");
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.response });
    xhr.onerror = () => resolve({ status: 0, body: null });
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}

/** The media file an upload became (or was already), or why it failed, in words. */
export type UploadResult =
  | { ok: true; fileId: string; created: boolean; durationSeconds: number | null }
  | { ok: false; message: string };

/**
 * Uploads one file into the media library: straight to the bucket when the server keeps media
 * in object storage (`direct`, resumable: ./direct-upload.ts), otherwise through the app.
 * `onProgress` gets the bytes sent so far.
 */
export async function uploadFile(file: File, { direct, maxBytes, onProgress }: { direct: boolean; maxBytes: number; onProgress: (loaded: number) => void }): Promise<UploadResult> {
  if (file.size > maxBytes) return { ok: false, message: "This file is larger than the upload limit." };
  const { status, body } = direct ? await uploadDirect(file, (loaded) => onProgress(loaded)) : await sendThroughApp(file, onProgress);
  const saved = body as { id?: unknown; durationSeconds?: unknown } | null;
  if ((status === 200 || status === 201) && typeof saved?.id === "string") {
    return { ok: true, fileId: saved.id, created: status === 201, durationSeconds: typeof saved.durationSeconds === "number" ? saved.durationSeconds : null };
  }
  return { ok: false, message: body?.error?.message ?? "The upload failed. Check your connection and try again." };
}
