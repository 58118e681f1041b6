import "server-only";
import fsp from "node:fs/promises";
import path from "node:path";
import { and, desc, eq, inArray } from "drizzle-orm";
import { NonRetriableError } from "inngest";
import { db, tables, type Db } from "@/db";
import { transaction } from "@/db/tx";
import { bumpFeedVersionOfEpisode } from "./feed-version";
import { inngest } from "@/inngest/client";
import { processCancelled, processRequested } from "@/inngest/events";
import type { Viewer } from "@/lib/auth/viewer";
import { getEnv } from "@/lib/env";
import { AppError, notFound } from "@/lib/errors";
import { isUuid, newId } from "@/lib/ids";
import { getStorage, newStorageKey } from "@/lib/storage";
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

/** The per-run work folder: scratch space on the same disk as local storage. */
export function workDirFor(processingId: string): string {
  if (!isUuid(processingId)) throw new Error("invalid processing id");
  return path.join(getEnv().dataDir, "tmp", "work", processingId);
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
  return toProcessing(row);
}

// ---- Used by the process-episode function (no viewer: the event names the processing). ----

/** Everything a processing run needs to read its inputs, or null if it was cancelled meanwhile. */
export async function loadProcessingJob(processingId: string) {
  const [row] = await db.select().from(tables.episodeProcessing).where(eq(tables.episodeProcessing.id, processingId));
  if (!row) return null;
  const [episode] = await db.select().from(tables.episodes).where(eq(tables.episodes.id, row.episodeId));
  const [podcast] = episode ? await db.select().from(tables.podcasts).where(eq(tables.podcasts.id, episode.podcastId)) : [];
  if (!episode || !podcast) return null;
  const ids = [row.sourceFileId, row.introFileId, row.outroFileId, episode.audioFileId, podcast.coverFileId].filter((x): x is string => !!x);
  const files = ids.length ? await db.select().from(tables.mediaFiles).where(inArray(tables.mediaFiles.id, ids)) : [];
  const storage = getStorage();
  const local = async (id: string | null) => {
    const f = id ? files.find((x) => x.id === id) : undefined;
    return f ? { path: await storage.localPath(f.storageKey), mimeType: f.mimeType, durationSeconds: f.durationSeconds } : null;
  };
  return {
    processing: toProcessing(row),
    episode,
    podcast,
    source: await local(row.sourceFileId),
    intro: await local(row.introFileId),
    outro: await local(row.outroFileId),
    cover: await local(podcast.coverFileId),
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
 * Stores a finished master and makes it the episode's audio, in one transaction after the file
 * is in storage. Safe to call twice: a processing that already succeeded is left as it is.
 */
export async function completeProcessing(
  processingId: string,
  result: { outputPath: string; sha256: string; sizeBytes: number; durationSeconds: number; stats: Record<string, unknown>; waveform: Record<string, unknown> | null },
): Promise<void> {
  const [row] = await db.select().from(tables.episodeProcessing).where(eq(tables.episodeProcessing.id, processingId));
  if (!row || row.status === "succeeded") return;
  if (!ACTIVE.includes(row.status)) throw new AppError("conflict", "The processing was cancelled.");
  const [episode] = await db.select().from(tables.episodes).where(eq(tables.episodes.id, row.episodeId));
  if (!episode) throw new AppError("not_found", "The episode was deleted.");
  const storage = getStorage();
  const key = newStorageKey("out");
  try {
    await storage.putFile(key, result.outputPath, { contentType: "audio/mpeg" });
  } catch (err) {
    if (!isDiskFull(err)) throw err;
    // Retrying will not free space: fail now with a reason (onFailure records it, removes the work folder).
    await storage.delete(key).catch(() => undefined);
    throw new NonRetriableError(DISK_FULL_REASON, { cause: err });
  }
  const now = new Date();
  const fileId = newId();
  try {
    await transaction(async (tx) => {
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
          storageKey: key,
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
      if (same) await storage.delete(key).catch(() => undefined);
    });
  } catch (err) {
    await storage.delete(key).catch(() => undefined);
    throw err;
  }
}

export const DISK_FULL_REASON =
  "The server ran out of disk space while storing the processed episode. The episode keeps its previous audio; free some space on the server and process it again.";

/** ENOSPC (no space left) or EDQUOT (disk quota exceeded), from our own writes or a storage adapter. */
function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOSPC" || code === "EDQUOT";
}

/** Marks a processing failed with a reason a podcaster can read; the episode keeps its old audio. */
export async function failProcessing(processingId: string, reason: string): Promise<void> {
  await transaction(async (tx) => {
    const [row] = await tx
      .update(tables.episodeProcessing)
      .set({ status: "failed", error: reason, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(tables.episodeProcessing.id, processingId), inArray(tables.episodeProcessing.status, ACTIVE)))
      .returning({ episodeId: tables.episodeProcessing.episodeId });
    if (row) await settleEpisodeStatus(tx, row.episodeId, true);
  });
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
