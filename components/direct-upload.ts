/**
 * The browser side of direct uploads (object storage; the API is lib/data/direct-uploads.ts):
 * the file goes straight to the bucket in parts, four at a time, each PUT to a presigned URL and
 * retried on its own; the app only hears about it at the start and the end. What has been sent
 * (the upload id and each finished part's ETag) is kept in localStorage under the file's name,
 * size and date, so after a reload or a lost connection choosing the same file again sends only
 * the parts still missing.
 */

export interface Answer {
  status: number;
  body: { error?: { message?: string } } | null;
}

/** An unfinished upload as kept in localStorage. */
export interface SavedUpload {
  key: string;
  id: string;
  name: string;
  size: number;
  partSize: number;
  partCount: number;
  expiresAt: string;
  etags: Record<number, string>;
}

const PREFIX = "podcastpro.upload:";
const PARALLEL = 4;
const ATTEMPTS = 5;
/** Part URLs asked for at once (one request to the app per batch). */
const BATCH = 8;

const storageKey = (file: File) => `${PREFIX}${file.name}|${file.size}|${file.lastModified}`;

function read(key: string): SavedUpload | null {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? "null") as SavedUpload | null;
    return saved && new Date(saved.expiresAt).getTime() > Date.now() ? saved : null;
  } catch {
    return null;
  }
}

function write(saved: SavedUpload) {
  try {
    localStorage.setItem(saved.key, JSON.stringify(saved));
  } catch {
    // Private mode or a full store: the upload still works, it just cannot resume.
  }
}

function forget(key: string) {
  try {
    localStorage.removeItem(key);
  } catch {
    // nothing to do
  }
}

/** Unfinished uploads this browser knows of (expired ones are dropped). */
export function unfinishedUploads(): SavedUpload[] {
  const out: SavedUpload[] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key?.startsWith(PREFIX)) continue;
      const saved = read(key);
      if (saved) out.push(saved);
      else forget(key);
    }
  } catch {
    // no localStorage
  }
  return out;
}

/** Gives up an unfinished upload: the server aborts it and drops its parts. */
export async function discardUpload(saved: SavedUpload) {
  forget(saved.key);
  await api("DELETE", `/api/v1/uploads/${saved.id}`).catch(() => undefined);
}

export const sentBytes = (saved: SavedUpload) =>
  Object.keys(saved.etags).reduce((sum, n) => sum + partLength(saved, Number(n)), 0);

const partLength = (u: { size: number; partSize: number }, n: number) => Math.min(u.partSize, u.size - (n - 1) * u.partSize);

async function api(method: string, url: string, json?: unknown): Promise<Answer> {
  try {
    const res = await fetch(url, {
      method,
      headers: json === undefined ? undefined : { "content-type": "application/json" },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  } catch {
    return { status: 0, body: null };
  }
}

/** One PUT with upload progress; resolves with the status and the part's ETag. */
function put(url: string, blob: Blob, onProgress: (loaded: number) => void): Promise<{ status: number; etag: string | null }> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => resolve({ status: xhr.status, etag: xhr.getResponseHeader("ETag") });
    xhr.onerror = () => resolve({ status: 0, etag: null });
    xhr.ontimeout = () => resolve({ status: 0, etag: null });
    xhr.send(blob);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failure = (message: string): Answer => ({ status: 0, body: { error: { message } } });

/**
 * Uploads `file` straight to the bucket, resuming what an earlier try left; `onProgress` gets
 * the bytes the bucket has (finished parts plus those in flight). Resolves with the app's answer
 * to completion (201 new file, 200 already in the library, 4xx refused), or status 0 with a
 * message when the network gave up (the parts sent so far are kept for the next try).
 */
export async function uploadDirect(file: File, onProgress: (loaded: number, resumed: boolean) => void): Promise<Answer> {
  const key = storageKey(file);
  let saved = read(key);
  if (saved && (await api("GET", `/api/v1/uploads/${saved.id}`)).status !== 200) {
    forget(key);
    saved = null;
  }
  const resumed = saved !== null && Object.keys(saved.etags).length > 0;
  if (!saved) {
    const begun = await api("POST", "/api/v1/uploads", { filename: file.name, sizeBytes: file.size });
    if (begun.status !== 201) return begun;
    const u = begun.body as unknown as Omit<SavedUpload, "key" | "name" | "size" | "etags">;
    saved = { key, id: u.id, name: file.name, size: file.size, partSize: u.partSize, partCount: u.partCount, expiresAt: u.expiresAt, etags: {} };
    write(saved);
  }
  const upload = saved;

  const inFlight = new Map<number, number>();
  const report = () => onProgress(sentBytes(upload) + [...inFlight.values()].reduce((a, b) => a + b, 0), resumed);
  report();

  const pending = Array.from({ length: upload.partCount }, (_, i) => i + 1).filter((n) => !upload.etags[n]);
  const urls = new Map<number, string>();
  /** A URL for part n, asking the app for a batch of the next pending parts when needed. */
  const urlFor = async (n: number, fresh = false): Promise<string | Answer> => {
    if (!fresh && urls.has(n)) return urls.get(n)!;
    const batch = [n, ...pending.filter((m) => m !== n && !urls.has(m)).slice(0, BATCH - 1)];
    const res = await api("POST", `/api/v1/uploads/${upload.id}/parts`, { partNumbers: batch });
    if (res.status !== 200) return res;
    for (const p of (res.body as unknown as { parts: { partNumber: number; url: string }[] }).parts) urls.set(p.partNumber, p.url);
    return urls.get(n)!;
  };

  let stopped: Answer | null = null;
  const sendPart = async (n: number): Promise<void> => {
    const blob = file.slice((n - 1) * upload.partSize, n * upload.partSize);
    for (let attempt = 1; ; attempt++) {
      const url = await urlFor(n, attempt > 1);
      if (typeof url !== "string") {
        // The app refused (the upload expired or was aborted elsewhere) or cannot be reached.
        if (url.status >= 400 && url.status < 500) forget(key);
        if (url.status === 0 && attempt < ATTEMPTS) {
          await sleep(1000 * 2 ** (attempt - 1));
          continue;
        }
        stopped ??= url.status ? url : failure("The connection to the server was lost. Choose the file again to resume.");
        return;
      }
      const { status, etag } = await put(url, blob, (loaded) => {
        inFlight.set(n, loaded);
        report();
      });
      inFlight.delete(n);
      if (status >= 200 && status < 300 && etag) {
        upload.etags[n] = etag;
        write(upload);
        report();
        return;
      }
      if (status >= 200 && status < 300) {
        stopped ??= failure("The storage bucket does not let the browser read upload receipts (ETag): its CORS rule must expose the ETag header.");
        return;
      }
      if (attempt >= ATTEMPTS) {
        stopped ??= failure(`Part ${n} of ${upload.partCount} could not be sent after ${ATTEMPTS} tries. Choose the file again to resume.`);
        return;
      }
      await sleep(500 * 2 ** (attempt - 1));
    }
  };

  const queue = [...pending];
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
      for (let n = queue.shift(); n !== undefined && !stopped; n = queue.shift()) await sendPart(n);
    }),
  );
  if (stopped) return stopped;

  const parts = Object.entries(upload.etags).map(([n, etag]) => ({ partNumber: Number(n), etag }));
  const done = await api("POST", `/api/v1/uploads/${upload.id}/complete`, { parts });
  if (done.status !== 0 && done.status < 500) forget(key);
  return done;
}
