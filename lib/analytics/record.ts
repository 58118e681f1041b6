import { getEnv } from "@/lib/env";
import { clientIp as peerIp } from "@/lib/http/client-ip";
import { log } from "@/lib/log";
import { ingestDownloads, pruneSalts, type DownloadRequest } from "./ingest";

const analyticsLog = log.child({ component: "analytics" });

/**
 * The audio route's side of analytics: `recordDownload()` only puts the request in an
 * in-memory queue and returns; a background flush writes the queue to the database in batches
 * (`ingestDownloads`). Nothing here can delay or fail a response.
 */

/** A request as the audio route reports it: `at` defaults to now. */
export type RecordDownloadInput = Omit<DownloadRequest, "at"> & { at?: Date };

const FLUSH_DELAY_MS = 1000;
const BATCH_SIZE = 500;
// Past this (the database is down or far behind) new requests are dropped, not memory.
const MAX_QUEUED = 50_000;
// Old salts go within the hour even when no download comes in to trigger the daily prune.
const SALT_JANITOR_MS = 60 * 60 * 1000;

interface Recorder {
  queue: DownloadRequest[];
  timer: ReturnType<typeof setTimeout> | null;
  flushing: Promise<void> | null;
  dropped: number;
  janitor: ReturnType<typeof setInterval> | null;
}

// On globalThis, so every bundle (and dev-mode reloads) shares one queue.
const holder = globalThis as unknown as { __podcastproDownloads?: Recorder };
const recorder = (holder.__podcastproDownloads ??= { queue: [], timer: null, flushing: null, dropped: 0, janitor: null });

/**
 * Notes one GET of an episode's audio (call it for 200 and 206 answers, not HEAD or 304).
 * Synchronous, returns at once and never throws.
 */
export function recordDownload(input: RecordDownloadInput): void {
  try {
    if (recorder.queue.length >= MAX_QUEUED) {
      if (recorder.dropped++ % 10_000 === 0) analyticsLog.error("queue full, dropping download records", { dropped: recorder.dropped });
      return;
    }
    recorder.queue.push({
      episodeId: String(input.episodeId),
      podcastId: String(input.podcastId),
      ip: String(input.ip),
      userAgent: String(input.userAgent ?? ""),
      range: input.range ? { start: Number(input.range.start), end: Number(input.range.end) } : null,
      totalBytes: Number(input.totalBytes),
      durationSeconds: input.durationSeconds == null ? null : Number(input.durationSeconds),
      storageKey: input.storageKey,
      subscriberId: input.subscriberId,
      at: input.at ?? new Date(),
    });
    scheduleFlush();
    startJanitor();
  } catch {
    // Analytics must never break audio delivery.
  }
}

function startJanitor() {
  if (recorder.janitor) return;
  recorder.janitor = setInterval(() => {
    pruneSalts(new Date()).catch((err: unknown) => analyticsLog.error("could not delete old salts", { err }));
  }, SALT_JANITOR_MS);
  recorder.janitor.unref?.();
}

function scheduleFlush() {
  if (recorder.flushing) return; // the running flush picks the new items up
  const full = recorder.queue.length >= BATCH_SIZE;
  if (recorder.timer && !full) return;
  if (recorder.timer) clearTimeout(recorder.timer);
  recorder.timer = setTimeout(
    () => {
      recorder.timer = null;
      void runFlush();
    },
    full ? 0 : FLUSH_DELAY_MS,
  );
  recorder.timer.unref?.();
}

function runFlush(): Promise<void> {
  if (recorder.flushing) return recorder.flushing;
  if (recorder.queue.length === 0) return Promise.resolve();
  const flushing = drainQueue().finally(() => {
    recorder.flushing = null;
    // Anything queued while the last batch was finishing waits for the next flush.
    if (recorder.queue.length > 0) scheduleFlush();
  });
  recorder.flushing = flushing;
  return flushing;
}

async function drainQueue(): Promise<void> {
  // Yield first, so `recorder.flushing` is set before anything here can finish.
  await Promise.resolve();
  while (recorder.queue.length > 0) {
    const batch = recorder.queue.splice(0, BATCH_SIZE);
    try {
      await ingestDownloads(batch);
    } catch (err) {
      analyticsLog.error("could not record downloads", { err, requests: batch.length });
    }
    // Let requests in between batches (better-sqlite3 holds the event loop while it writes).
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Writes everything queued so far (tests, and before the process exits). */
export async function flushDownloads(): Promise<void> {
  if (recorder.timer) {
    clearTimeout(recorder.timer);
    recorder.timer = null;
  }
  while (recorder.flushing || recorder.queue.length > 0) await runFlush();
  if (recorder.timer) {
    clearTimeout(recorder.timer);
    recorder.timer = null;
  }
}

/**
 * The client's IP address as the nearest reverse proxy saw it (lib/http/client-ip.ts: the last
 * X-Forwarded-For entry), else "unknown". Only ever used hashed (lib/analytics/ingest.ts).
 */
export function clientIp(req: { headers: Pick<Headers, "get"> }): string {
  return peerIp(req.headers, getEnv().TRUST_PROXY_HOPS) ?? "unknown";
}
