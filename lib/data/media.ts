import "server-only";
import fsp from "node:fs/promises";
import { and, desc, eq, inArray, notExists, notLike, or, sql, sum } from "drizzle-orm";
import { db, tables } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import type { Viewer } from "@/lib/auth/viewer";
import { getEnv } from "@/lib/env";
import { AppError, notFound } from "@/lib/errors";
import { isUuid, newId } from "@/lib/ids";
import { inspectMedia, MediaError } from "@/lib/media";
import { getStorage, newStorageKey } from "@/lib/storage";
import { quotaExceeded, type ReceivedFile, type UploadAllowance } from "@/lib/uploads/receive";
import { keysetAfter, toPage, type Page } from "./pagination";
import { openStoredFile } from "./stored-file";

type MediaRow = typeof tables.mediaFiles.$inferSelect;

const ACCEPTED_FORMATS = "WAV, MP3, M4A/AAC, FLAC, Ogg/Opus or AIFF audio, or a JPEG or PNG image";

export interface MediaFile {
  id: string;
  kind: "audio" | "image";
  originalFilename: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  durationSeconds: number | null;
  createdAt: Date;
  codec?: string | null;
  sampleRate?: number | null;
  channels?: number | null;
  width?: number | null;
  height?: number | null;
}

function toMediaFile(row: MediaRow): MediaFile {
  const base = {
    id: row.id,
    kind: row.kind,
    originalFilename: row.originalFilename,
    mimeType: row.mimeType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    durationSeconds: row.durationSeconds,
    createdAt: row.createdAt,
  };
  return row.kind === "audio"
    ? { ...base, codec: row.codec, sampleRate: row.sampleRate, channels: row.channels }
    : { ...base, width: row.width, height: row.height };
}

async function findBySha(viewer: Viewer, sha256: string) {
  const [row] = await db
    .select()
    .from(tables.mediaFiles)
    .where(and(eq(tables.mediaFiles.ownerId, viewer.userId), eq(tables.mediaFiles.sha256, sha256)));
  return row;
}

async function ownMediaRow(viewer: Viewer, fileId: string): Promise<MediaRow> {
  if (!isUuid(fileId)) throw notFound("File");
  const [row] = await db
    .select()
    .from(tables.mediaFiles)
    .where(and(eq(tables.mediaFiles.id, fileId), eq(tables.mediaFiles.ownerId, viewer.userId)));
  if (!row) throw notFound("File");
  return row;
}

/** Bytes the viewer's media library holds (uploads and processed episodes). */
export async function storageUsed(viewer: Viewer): Promise<number> {
  const [row] = await db
    .select({ total: sum(tables.mediaFiles.sizeBytes) })
    .from(tables.mediaFiles)
    .where(eq(tables.mediaFiles.ownerId, viewer.userId));
  return Number(row?.total ?? 0);
}

/** What the viewer's next upload may write: the per-file limit and the quota left (STORAGE_QUOTA_BYTES). */
export async function uploadAllowance(viewer: Viewer): Promise<UploadAllowance> {
  const env = getEnv();
  return { maxBytes: env.MAX_UPLOAD_BYTES, quotaBytes: env.STORAGE_QUOTA_BYTES, usedBytes: await storageUsed(viewer) };
}

/** How a file's MediaError is answered at upload: 413 over a limit, 415 not a format we take, 422 broken or empty. */
function uploadError(err: MediaError): AppError {
  const code = err.code === "too_long" || err.code === "too_large" ? "too_large" : err.code === "unsupported" ? "unsupported_media" : "invalid";
  const hint = code === "too_large" ? "" : ` Upload ${ACCEPTED_FORMATS}.`;
  return new AppError(code, `${err.reason}${hint}`, { fields: { file: err.reason } });
}

/**
 * Turns a received upload into a media file of the viewer's: sniffed by content (decoded, not
 * trusted by name), checked against the storage quota, stored under a generated key (the
 * client's filename is display metadata only), once per identical content. The temp file is
 * always consumed. `created` is false when the same bytes were already in the library.
 * `storedKey`: the bytes are already in storage there (a direct upload, `received.tempPath`
 * being a local copy); that object becomes the file, or is removed if it does not.
 */
export async function ingestUpload(
  viewer: Viewer,
  received: ReceivedFile,
  opts: { storedKey?: string } = {},
): Promise<{ file: MediaFile; created: boolean }> {
  const storage = getStorage();
  // A direct upload is already in storage under `storedKey`: keep it if it becomes the file,
  // remove it otherwise (refused, or the same bytes already in the library).
  let keep = false;
  try {
    const existing = await findBySha(viewer, received.sha256);
    if (existing) return { file: toMediaFile(existing), created: false };
    let info: Awaited<ReturnType<typeof inspectMedia>>;
    try {
      info = await inspectMedia(received.tempPath);
    } catch (err) {
      if (err instanceof MediaError && err.isUserError) throw uploadError(err);
      throw err;
    }
    // Checked again now: other uploads of the same user may have landed while this one streamed.
    const quotaBytes = getEnv().STORAGE_QUOTA_BYTES;
    const used = await storageUsed(viewer);
    if (used + received.sizeBytes > quotaBytes) throw quotaExceeded(quotaBytes, used);
    const key = opts.storedKey ?? newStorageKey("media");
    if (!opts.storedKey) await storage.putFile(key, received.tempPath, { contentType: info.mimeType });
    const values = {
      id: newId(),
      ownerId: viewer.userId,
      kind: info.kind,
      originalFilename: received.originalFilename,
      storageKey: key,
      mimeType: info.mimeType,
      sizeBytes: received.sizeBytes,
      sha256: received.sha256,
      durationSeconds: info.kind === "audio" ? info.durationSeconds : null,
      codec: info.kind === "audio" ? info.codec : null,
      sampleRate: info.kind === "audio" ? info.sampleRate : null,
      channels: info.kind === "audio" ? info.channels : null,
      width: info.kind === "image" ? info.width : null,
      height: info.kind === "image" ? info.height : null,
      createdAt: new Date(),
    };
    try {
      const [row] = await db.insert(tables.mediaFiles).values(values).returning();
      keep = true;
      return { file: toMediaFile(row!), created: true };
    } catch (err) {
      if (!opts.storedKey) await storage.delete(key);
      const raced = isUniqueViolation(err) ? await findBySha(viewer, received.sha256) : undefined;
      if (raced) return { file: toMediaFile(raced), created: false };
      throw err;
    }
  } finally {
    await fsp.rm(received.tempPath, { force: true });
    if (opts.storedKey && !keep) await storage.delete(opts.storedKey);
  }
}

/** The viewer's media files, newest first, optionally of one kind. */
export async function listMediaFiles(
  viewer: Viewer,
  opts: { limit: number; cursor?: string; kind?: "audio" | "image" },
): Promise<Page<MediaFile>> {
  const { where, orderBy } = keysetAfter(tables.mediaFiles, opts.cursor);
  const rows = await db
    .select()
    .from(tables.mediaFiles)
    .where(
      and(eq(tables.mediaFiles.ownerId, viewer.userId), opts.kind ? eq(tables.mediaFiles.kind, opts.kind) : undefined, where),
    )
    .orderBy(...orderBy)
    .limit(opts.limit + 1);
  return toPage(rows, opts.limit, toMediaFile);
}

/**
 * Audio of the viewer's for the recording picker, newest first: never a processing's master
 * (stored under `out/` or recorded as a run's output). `recordings` also leaves out every
 * podcast's intro and outro; `bumpers` (the intro/outro pickers) keeps them.
 */
export async function listSourceAudio(viewer: Viewer, opts: { limit: number; purpose: "recordings" | "bumpers" }): Promise<MediaFile[]> {
  const m = tables.mediaFiles;
  const ep = tables.episodeProcessing;
  const p = tables.podcasts;
  const rows = await db
    .select()
    .from(m)
    .where(
      and(
        eq(m.ownerId, viewer.userId),
        eq(m.kind, "audio"),
        notLike(m.storageKey, "out/%"),
        notExists(db.select({ one: sql`1` }).from(ep).where(eq(ep.outputFileId, m.id))),
        opts.purpose === "recordings"
          ? notExists(db.select({ one: sql`1` }).from(p).where(or(eq(p.introFileId, m.id), eq(p.outroFileId, m.id))))
          : undefined,
      ),
    )
    .orderBy(desc(m.createdAt), desc(m.id))
    .limit(opts.limit);
  return rows.map(toMediaFile);
}

/** One of the viewer's media files. */
export async function getMediaFile(viewer: Viewer, fileId: string): Promise<MediaFile> {
  return toMediaFile(await ownMediaRow(viewer, fileId));
}

/** Renames a media file (its display name only; the stored key never changes). */
export async function renameMediaFile(viewer: Viewer, fileId: string, originalFilename: string): Promise<MediaFile> {
  await ownMediaRow(viewer, fileId);
  const [row] = await db
    .update(tables.mediaFiles)
    .set({ originalFilename })
    .where(and(eq(tables.mediaFiles.id, fileId), eq(tables.mediaFiles.ownerId, viewer.userId)))
    .returning();
  return toMediaFile(row!);
}

/** What uses a file, in words, or null when nothing does. */
async function fileUsage(fileId: string): Promise<string | null> {
  const p = tables.podcasts;
  const [podcast] = await db
    .select({ title: p.title, cover: p.coverFileId, intro: p.introFileId })
    .from(p)
    .where(or(eq(p.coverFileId, fileId), eq(p.introFileId, fileId), eq(p.outroFileId, fileId)))
    .limit(1);
  if (podcast) {
    const role = podcast.cover === fileId ? "cover" : podcast.intro === fileId ? "intro" : "outro";
    return `it is the ${role} of the podcast "${podcast.title}"`;
  }
  const [episode] = await db
    .select({ title: tables.episodes.title })
    .from(tables.episodes)
    .where(eq(tables.episodes.audioFileId, fileId))
    .limit(1);
  if (episode) return `it is the audio of the episode "${episode.title}"`;
  const ep = tables.episodeProcessing;
  const [running] = await db
    .select({ id: ep.id })
    .from(ep)
    .where(
      and(
        inArray(ep.status, ["queued", "running"]),
        or(eq(ep.sourceFileId, fileId), eq(ep.introFileId, fileId), eq(ep.outroFileId, fileId)),
      ),
    )
    .limit(1);
  if (running) return "an episode is being processed with it";
  return null;
}

/** Deletes one of the viewer's media files, unless a podcast or episode uses it. */
export async function deleteMediaFile(viewer: Viewer, fileId: string): Promise<void> {
  const row = await ownMediaRow(viewer, fileId);
  const usage = await fileUsage(fileId);
  if (usage) throw new AppError("conflict", `This file cannot be deleted because ${usage}. Remove it there first.`);
  await db.delete(tables.mediaFiles).where(and(eq(tables.mediaFiles.id, fileId), eq(tables.mediaFiles.ownerId, viewer.userId)));
  await getStorage().delete(row.storageKey);
}

/** What the content route needs to stream one of the viewer's files. */
export async function openMediaFile(viewer: Viewer, fileId: string) {
  const row = await ownMediaRow(viewer, fileId);
  return { ...(await openStoredFile(row)), filename: row.originalFilename };
}
