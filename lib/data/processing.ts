import "server-only";
import fsp from "node:fs/promises";
import path from "node:path";
import { and, desc, eq, inArray } from "drizzle-orm";
import { db, tables, type Db } from "@/db";
import { transaction } from "@/db/tx";
import { bumpFeedVersionOfEpisode } from "./feed-version";
import { inngest } from "@/inngest/client";
import { processCancelled, processRequested } from "@/inngest/events";
import type { Viewer } from "@/lib/auth/viewer";
import { getEnv } from "@/lib/env";
import { AppError, notFound } from "@/lib/errors";
import { isUuid, newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { getStorage, storageKeyFor } from "@/lib/storage";
import {
  DEFAULT_PROCESSING,
  processingOptionsSchema,
  type ProcessingOptions,
  type StartProcessingInput,
} from "@/lib/validation/processing";

type ProcessingRow = typeof tables.episodeProcessing.$inferSelect;
export type ProcessingStatus = ProcessingRow["status"];

/** An episode's processing as the API and dashboard show it. */
export interface Processing {
  id: string;
  runId: string | null;
  status: ProcessingStatus;
  progress: number;
  step: string | null;
  error: string | null;
  options: ProcessingOptions;
  stats: Record<string, unknown> | null;
  sourceFileId: string | null;
  introFileId: string | null;
  outroFileId: string | null;
  outputFileId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const ACTIVE: ProcessingStatus[] = ["queued", "running"];

function toProcessing(row: ProcessingRow): Processing {
  return {
    id: row.id,
    runId: row.runId,
    status: row.status,
    progress: row.progress,
    step: row.step,
    error: row.error,
    options: row.options as ProcessingOptions,
    stats: row.stats,
    sourceFileId: row.sourceFileId,
    introFileId: row.introFileId,
    outroFileId: row.outroFileId,
    outputFileId: row.outputFileId,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

/**
 * The per-run work folder: scratch space on the same disk as local storage, on this machine.
 * Only one step uses it (mastering), from start to end: the next step may run elsewhere.
 */
export function workDirFor(processingId: string): string {
  if (!isUuid(processingId)) throw new Error("invalid processing id");
  return path.join(getEnv().dataDir, "tmp", "work", processingId);
}

/**
 * Where a processing's master is stored, from mastering until it is recorded, and afterwards as
 * the episode's file. One key per processing, so a mastering step that runs twice writes the
 * same object again rather than leaving another one behind.
 */
export function outputKeyFor(processingId: string): string {
  if (!isUuid(processingId)) throw new Error("invalid processing id");
  return storageKeyFor("out", processingId);
}

async function ownEpisode(viewer: Viewer, episodeId: string) {
  if (!isUuid(episodeId)) throw notFound("Episode");
  const [found] = await db
    .select({ episode: tables.episodes, podcast: tables.podcasts })
    .from(tables.episodes)
    .innerJoin(tables.podcasts, eq(tables.podcasts.id, tables.episodes.podcastId))
    .where(and(eq(tables.episodes.id, episodeId), eq(tables.podcasts.ownerId, viewer.userId)));
  if (!found) throw notFound("Episode");
  return found;
}

async function ownAudio(viewer: Viewer, fileId: string, field: string) {
  const [file] = isUuid(fileId)
    ? await db
        .select({ id: tables.mediaFiles.id, kind: tables.mediaFiles.kind })
        .from(tables.mediaFiles)
        .where(and(eq(tables.mediaFiles.id, fileId), eq(tables.mediaFiles.ownerId, viewer.userId)))
    : [];
  if (!file || file.kind !== "audio") {
    throw new AppError("invalid", "Choose audio from your media library.", { fields: { [field]: "No such audio file in your media library." } });
  }
  return file.id;
}

/** The newest processing of one of the viewer's episodes, or null if it was never processed. */
export async function getProcessing(viewer: Viewer, episodeId: string): Promise<Processing | null> {
  await ownEpisode(viewer, episodeId);
  const [row] = await db
    .select()
    .from(tables.episodeProcessing)
    .where(eq(tables.episodeProcessing.episodeId, episodeId))
    .orderBy(desc(tables.episodeProcessing.createdAt), desc(tables.episodeProcessing.id))
    .limit(1);
  return row ? toProcessing(row) : null;
}

/** The waveform of the episode's current audio (from the run that produced it), or null. */
export async function getEpisodeWaveform(viewer: Viewer, episodeId: string): Promise<Record<string, unknown> | null> {
  const { episode } = await ownEpisode(viewer, episodeId);
  if (!episode.audioFileId) return null;
  const [row] = await db
    .select({ waveform: tables.episodeProcessing.waveform })
    .from(tables.episodeProcessing)
    .where(and(eq(tables.episodeProcessing.episodeId, episodeId), eq(tables.episodeProcessing.outputFileId, episode.audioFileId)))
    .limit(1);
  return row?.waveform ?? null;
}

/**
 * Queues a mastering of one of the viewer's episodes: the podcast's defaults, overridden by
 * `input.options`; intro and outro default to the podcast's (null: none). One run per episode
 * at a time. The episode keeps its current audio until the run succeeds.
 */
export async function startProcessing(viewer: Viewer, episodeId: string, input: StartProcessingInput): Promise<Processing> {
  const { episode, podcast } = await ownEpisode(viewer, episodeId);
  const sourceFileId = await ownAudio(viewer, input.audioFileId, "audioFileId");
  const introId = input.introFileId === undefined ? podcast.introFileId : input.introFileId;
  const outroId = input.outroFileId === undefined ? podcast.outroFileId : input.outroFileId;
  const introFileId = introId ? await ownAudio(viewer, introId, "introFileId") : null;
  const outroFileId = outroId ? await ownAudio(viewer, outroId, "outroFileId") : null;
  const merged = processingOptionsSchema.safeParse({ ...DEFAULT_PROCESSING, ...(podcast.processing ?? {}), ...(input.options ?? {}) });
  if (!merged.success) throw new AppError("invalid", "The processing options are not valid.");
  const now = new Date();
  const id = newId();
  await transaction(async (tx) => {
    const active = await tx
      .select({ id: tables.episodeProcessing.id })
      .from(tables.episodeProcessing)
      .where(and(eq(tables.episodeProcessing.episodeId, episodeId), inArray(tables.episodeProcessing.status, ACTIVE)));
    if (active.length > 0) throw new AppError("conflict", "This episode is already being processed. Wait for it to finish or cancel it.");
    await tx.insert(tables.episodeProcessing).values({
      id,
      episodeId,
      ownerId: viewer.userId,
      status: "queued",
      progress: 0,
      step: "queued",
      sourceFileId,
      introFileId,
      outroFileId,
      options: merged.data,
      createdAt: now,
      updatedAt: now,
    });
    if (["draft", "ready", "failed"].includes(episode.status)) {
      await tx.update(tables.episodes).set({ status: "processing", updatedAt: now }).where(eq(tables.episodes.id, episodeId));
      await bumpFeedVersionOfEpisode(tx, episodeId);
    }
  });
  await inngest.send(processRequested.create({ userId: viewer.userId, episodeId, processingId: id }));
  const [row] = await db.select().from(tables.episodeProcessing).where(eq(tables.episodeProcessing.id, id));
  return toProcessing(row!);
}

/**
 * Runs an episode's last processing again after it failed or was cancelled: the same recording,
 * intro, outro and options.
 */
export async function retryProcessing(viewer: Viewer, episodeId: string): Promise<Processing> {
  const last = await getProcessing(viewer, episodeId);
  if (!last || !["failed", "cancelled"].includes(last.status)) throw new AppError("conflict", "There is no failed processing to retry.");
  if (!last.sourceFileId) {
    throw new AppError("invalid", "The recording of the last processing is no longer in your media library. Choose another recording.");
  }
  return startProcessing(viewer, episodeId, {
    audioFileId: last.sourceFileId,
    introFileId: last.introFileId,
    outroFileId: last.outroFileId,
    options: last.options,
  });
}

/**
 * The episode status once processing is over without new audio: back to what its audio allows.
 * In the transaction that ends the processing, so no reader sees one without the other.
 */
async function settleEpisodeStatus(tx: Db, episodeId: string, failed: boolean) {
  const [episode] = await tx.select().from(tables.episodes).where(eq(tables.episodes.id, episodeId));
  if (!episode || episode.status !== "processing") return;
  const status = episode.audioFileId ? "ready" : failed ? "failed" : "draft";
  await tx.update(tables.episodes).set({ status, updatedAt: new Date() }).where(eq(tables.episodes.id, episodeId));
  await bumpFeedVersionOfEpisode(tx, episodeId);
}

/** Cancels the running processing of one of the viewer's episodes. */
export async function cancelProcessing(viewer: Viewer, episodeId: string): Promise<Processing> {
  await ownEpisode(viewer, episodeId);
  const row = await transaction(async (tx) => {
    const [cancelled] = await tx
      .update(tables.episodeProcessing)
      .set({ status: "cancelled", step: "cancelled", finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(tables.episodeProcessing.episodeId, episodeId), inArray(tables.episodeProcessing.status, ACTIVE)))
      .returning();
    if (cancelled) await settleEpisodeStatus(tx, episodeId, false);
    return cancelled;
  });
  if (!row) throw new AppError("conflict", "Nothing is being processed for this episode.");
  await inngest.send(processCancelled.create({ userId: viewer.userId, episodeId, processingId: row.id }));
  // A master already stored is not needed now (the run also checks after storing one).
  await discardProcessingOutput(row.id).catch((err: unknown) => log.warn("could not remove a cancelled processing's output", { err, processingId: row.id }));
  return toProcessing(row);
}

// ---- Used by the process-episode function (no viewer: the event names the processing). ----

/**
 * Everything a processing run needs, or null if it was removed meanwhile. Files are named by
 * storage key: each step fetches what it reads (`localPath()`), wherever it runs.
 */
export async function loadProcessingJob(processingId: string) {
  const [row] = await db.select().from(tables.episodeProcessing).where(eq(tables.episodeProcessing.id, processingId));
  if (!row) return null;
  const [episode] = await db.select().from(tables.episodes).where(eq(tables.episodes.id, row.episodeId));
  const [podcast] = episode ? await db.select().from(tables.podcasts).where(eq(tables.podcasts.id, episode.podcastId)) : [];
  if (!episode || !podcast) return null;
  const ids = [row.sourceFileId, row.introFileId, row.outroFileId, episode.audioFileId, podcast.coverFileId].filter((x): x is string => !!x);
  const files = ids.length ? await db.select().from(tables.mediaFiles).where(inArray(tables.mediaFiles.id, ids)) : [];
  const stored = (id: string | null) => {
    const f = id ? files.find((x) => x.id === id) : undefined;
    return f ? { key: f.storageKey, mimeType: f.mimeType, durationSeconds: f.durationSeconds } : null;
  };
  return {
    processing: toProcessing(row),
    episode,
    podcast,
    source: stored(row.sourceFileId),
    intro: stored(row.introFileId),
    outro: stored(row.outroFileId),
    cover: stored(podcast.coverFileId),
  };
}

/** Records the run and step a processing is at; progress is 0–1 within the whole run. */
export async function reportProcessing(processingId: string, patch: { runId?: string; step?: string; progress?: number; status?: "running" }) {
  const now = new Date();
  await db
    .update(tables.episodeProcessing)
    .set({ ...patch, updatedAt: now, ...(patch.status === "running" ? { startedAt: now } : {}) })
    .where(and(eq(tables.episodeProcessing.id, processingId), inArray(tables.episodeProcessing.status, ACTIVE)));
}

/** True while the processing may still do work (not cancelled, failed or done). */
export async function isProcessingActive(processingId: string): Promise<boolean> {
  const [row] = await db
    .select({ status: tables.episodeProcessing.status })
    .from(tables.episodeProcessing)
    .where(eq(tables.episodeProcessing.id, processingId));
  return !!row && ACTIVE.includes(row.status);
}

/**
 * Moves a finished master from this machine's scratch space into storage under the
 * processing's output key, where the step that records it finds it on any instance. Returns
 * the key, or null when the processing was cancelled meanwhile (then nothing is kept).
 */
export async function storeProcessingOutput(processingId: string, localFile: string): Promise<string | null> {
  const key = outputKeyFor(processingId);
  const storage = getStorage();
  try {
    await storage.putFile(key, localFile, { contentType: "audio/mpeg" });
  } catch (err) {
    // No half-written object may stay behind; a retry writes the whole file again.
    await storage.delete(key).catch(() => undefined);
    // Retrying will not free space: fail now with a reason that blames the server.
    if (isDiskFull(err)) throw new AppError("unavailable", DISK_FULL_REASON, { cause: err });
    throw err;
  }
  if (!(await isProcessingActive(processingId))) {
    await discardProcessingOutput(processingId);
    return null;
  }
  return key;
}

/**
 * Records a stored master (`storeProcessingOutput`) as the episode's audio, in one transaction
 * of database calls only; storage is checked before and cleaned after. Safe to call twice: a
 * processing already recorded, or cancelled meanwhile, only has its leftovers removed.
 */
export async function completeProcessing(
  processingId: string,
  result: { key: string; sha256: string; sizeBytes: number; durationSeconds: number; stats: Record<string, unknown>; waveform: Record<string, unknown> | null },
): Promise<void> {
  if (result.key !== outputKeyFor(processingId)) throw new Error("completeProcessing: not this processing's output key");
  const [row] = await db.select().from(tables.episodeProcessing).where(eq(tables.episodeProcessing.id, processingId));
  if (row && ACTIVE.includes(row.status)) {
    // The episode must never point at a missing file: a master lost since it was stored is our fault.
    const stored = await getStorage().stat(result.key);
    if (!stored || stored.size !== result.sizeBytes) throw new AppError("unavailable", LOST_OUTPUT_REASON);
    const now = new Date();
    const fileId = newId();
    await transaction(async (tx) => {
      // Still running (not cancelled meanwhile)? On PostgreSQL this also locks the row until the commit.
      const [active] = await tx
        .update(tables.episodeProcessing)
        .set({ updatedAt: now })
        .where(and(eq(tables.episodeProcessing.id, processingId), inArray(tables.episodeProcessing.status, ACTIVE)))
        .returning({ id: tables.episodeProcessing.id });
      const [episode] = active ? await tx.select().from(tables.episodes).where(eq(tables.episodes.id, row.episodeId)) : [];
      if (!episode) return;
      // The same master uploaded or produced before: reuse that file rather than store it twice.
      const [same] = await tx
        .select({ id: tables.mediaFiles.id })
        .from(tables.mediaFiles)
        .where(and(eq(tables.mediaFiles.ownerId, row.ownerId), eq(tables.mediaFiles.sha256, result.sha256)));
      const outputFileId = same?.id ?? fileId;
      if (!same) {
        await tx.insert(tables.mediaFiles).values({
          id: fileId,
          ownerId: row.ownerId,
          kind: "audio",
          originalFilename: `${episode.slug}.mp3`,
          storageKey: result.key,
          mimeType: "audio/mpeg",
          sizeBytes: result.sizeBytes,
          sha256: result.sha256,
          durationSeconds: result.durationSeconds,
          codec: "mp3",
          sampleRate: 44100,
          channels: (row.options as ProcessingOptions).channels === "mono" ? 1 : 2,
          createdAt: now,
        });
      }
      await tx
        .update(tables.episodeProcessing)
        .set({ status: "succeeded", progress: 1, step: "done", outputFileId, stats: result.stats, waveform: result.waveform, finishedAt: now, updatedAt: now })
        .where(eq(tables.episodeProcessing.id, processingId));
      await tx
        .update(tables.episodes)
        .set({
          audioFileId: outputFileId,
          durationSeconds: Math.round(result.durationSeconds),
          sizeBytes: result.sizeBytes,
          status: episode.status === "processing" || episode.status === "failed" || episode.status === "draft" ? "ready" : episode.status,
          updatedAt: now,
        })
        .where(eq(tables.episodes.id, episode.id));
      await bumpFeedVersionOfEpisode(tx, episode.id);
    });
  }
  // After the commit: an identical file was reused, or the processing ended without this master.
  await discardProcessingOutput(processingId);
}

/**
 * Removes a processing's stored master unless it became a file of the library: after a failure,
 * a cancellation, or when an identical file was reused. Idempotent.
 */
export async function discardProcessingOutput(processingId: string): Promise<void> {
  const key = outputKeyFor(processingId);
  const [kept] = await db.select({ id: tables.mediaFiles.id }).from(tables.mediaFiles).where(eq(tables.mediaFiles.storageKey, key));
  if (!kept) await getStorage().delete(key);
}

export const DISK_FULL_REASON =
  "The server ran out of disk space while storing the processed episode. The episode keeps its previous audio; free some space on the server and process it again.";

export const LOST_OUTPUT_REASON =
  "The processed episode went missing from the server's storage before it could be saved: a fault on our side, not in your files. The episode keeps its previous audio; process it again.";

/** ENOSPC (no space left) or EDQUOT (disk quota exceeded), from our own writes or a storage adapter. */
function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOSPC" || code === "EDQUOT";
}

/**
 * Marks a processing failed with a reason a podcaster can read; the episode keeps its old audio.
 * Then removes what the run left: its stored master (unless recorded) and its work folder here.
 */
export async function failProcessing(processingId: string, reason: string): Promise<void> {
  await transaction(async (tx) => {
    const [row] = await tx
      .update(tables.episodeProcessing)
      .set({ status: "failed", error: reason, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(tables.episodeProcessing.id, processingId), inArray(tables.episodeProcessing.status, ACTIVE)))
      .returning({ episodeId: tables.episodeProcessing.episodeId });
    if (row) await settleEpisodeStatus(tx, row.episodeId, true);
  });
  await discardProcessingOutput(processingId);
  await fsp.rm(workDirFor(processingId), { recursive: true, force: true });
}

/** Removes work folders no queued or running processing owns (after crashes and cancellations). */
export async function sweepWorkDirs(): Promise<number> {
  const root = path.join(getEnv().dataDir, "tmp", "work");
  const entries = await fsp.readdir(root).catch(() => [] as string[]);
  const ids = entries.filter(isUuid);
  if (ids.length === 0) return 0;
  const active = await db
    .select({ id: tables.episodeProcessing.id })
    .from(tables.episodeProcessing)
    .where(and(inArray(tables.episodeProcessing.id, ids), inArray(tables.episodeProcessing.status, ACTIVE)));
  const keep = new Set(active.map((r) => r.id));
  const stale = ids.filter((id) => !keep.has(id));
  await Promise.all(stale.map((id) => fsp.rm(path.join(root, id), { recursive: true, force: true })));
  return stale.length;
}
