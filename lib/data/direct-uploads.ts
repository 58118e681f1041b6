import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import { pipeline } from "node:stream/promises";
import { and, eq, lt } from "drizzle-orm";
import { db, tables } from "@/db";
import type { Viewer } from "@/lib/auth/viewer";
import { getEnv } from "@/lib/env";
import { AppError, notFound } from "@/lib/errors";
import { isUuid, newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { getDirectUploads, getStorage, newStorageKey, type DirectUploadTarget } from "@/lib/storage";
import { cleanFilename, quotaExceeded, tooLarge } from "@/lib/uploads/receive";
import { ingestUpload, storageUsed, type MediaFile } from "./media";

/**
 * Direct uploads: with object storage, a client sends a file straight to the bucket as a
 * multipart upload (one presigned PUT per part, several in parallel, each retried on its own)
 * and the app only records and sniffs the result, so large files never pass through the app
 * (serverless hosts cap request bodies at a few MB). Flow: `startDirectUpload` (limits and quota
 * checked, the multipart upload begun) → `presignParts` as the client needs URLs →
 * `completeDirectUpload` with every part's ETag (the parts joined, the object downloaded once,
 * hashed and sniffed exactly like a form upload, deduplicated) or `abortDirectUpload`.
 * A client that reloads resumes by keeping the upload id and the ETags of the parts it sent.
 */

type Row = typeof tables.directUploads.$inferSelect;

export interface DirectUpload {
  id: string;
  originalFilename: string;
  sizeBytes: number;
  partSize: number;
  partCount: number;
  createdAt: Date;
  expiresAt: Date;
}

const MiB = 1024 * 1024;
/** S3's rules: parts of at least 5 MiB (but the last), at most 10,000 of them. */
const MIN_PART_SIZE = 8 * MiB;
const MAX_PARTS = 10_000;
/** An upload not finished within a day is aborted by `sweepDirectUploads()`. */
const UPLOAD_LIFETIME_MS = 24 * 3600 * 1000;
/** Presigned part URLs are short-lived; clients ask again when one has expired. */
const PART_URL_SECONDS = 3600;

function toDirectUpload(row: Row): DirectUpload {
  return {
    id: row.id,
    originalFilename: row.originalFilename,
    sizeBytes: row.sizeBytes,
    partSize: row.partSize,
    partCount: Math.ceil(row.sizeBytes / row.partSize),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

function target(): DirectUploadTarget {
  const t = getDirectUploads();
  if (!t) {
    throw new AppError(
      "conflict",
      "Direct uploads need object storage (STORAGE_DRIVER=s3); this server keeps media on its own disk. Send the file to POST /api/v1/files instead.",
    );
  }
  return t;
}

/** The part size for a file: 8 MiB, or more for files that would need over 10,000 parts. */
function partSizeFor(sizeBytes: number): number {
  return Math.max(MIN_PART_SIZE, Math.ceil(sizeBytes / MAX_PARTS / MiB) * MiB);
}

/** Part n's length: the part size, less for the last one. */
const partLength = (row: { sizeBytes: number; partSize: number }, n: number) => Math.min(row.partSize, row.sizeBytes - (n - 1) * row.partSize);

async function ownRow(viewer: Viewer, id: string): Promise<Row> {
  if (!isUuid(id)) throw notFound("Upload");
  const [row] = await db
    .select()
    .from(tables.directUploads)
    .where(and(eq(tables.directUploads.id, id), eq(tables.directUploads.ownerId, viewer.userId)));
  if (!row || row.expiresAt.getTime() <= Date.now()) throw notFound("Upload");
  return row;
}

/** Begins a direct upload of `sizeBytes`, refused (413) past the per-file limit or the quota left. */
export async function startDirectUpload(viewer: Viewer, input: { filename: string; sizeBytes: number }): Promise<DirectUpload> {
  const t = target();
  const env = getEnv();
  if (input.sizeBytes > env.MAX_UPLOAD_BYTES) throw tooLarge(env.MAX_UPLOAD_BYTES);
  const used = await storageUsed(viewer);
  if (used + input.sizeBytes > env.STORAGE_QUOTA_BYTES) throw quotaExceeded(env.STORAGE_QUOTA_BYTES, used);
  const key = newStorageKey("media");
  // The stored type is not the client's word: a CDN in front of the bucket would serve it as is.
  const multipartId = await t.createMultipart(key, { contentType: "application/octet-stream" });
  const now = new Date();
  const [row] = await db
    .insert(tables.directUploads)
    .values({
      id: newId(),
      ownerId: viewer.userId,
      storageKey: key,
      multipartId,
      originalFilename: cleanFilename(input.filename),
      sizeBytes: input.sizeBytes,
      partSize: partSizeFor(input.sizeBytes),
      createdAt: now,
      expiresAt: new Date(now.getTime() + UPLOAD_LIFETIME_MS),
    })
    .returning();
  return toDirectUpload(row!);
}

export async function getDirectUpload(viewer: Viewer, id: string): Promise<DirectUpload> {
  return toDirectUpload(await ownRow(viewer, id));
}

/** Presigned PUT URLs for some parts of the viewer's upload. */
export async function presignParts(
  viewer: Viewer,
  id: string,
  partNumbers: number[],
): Promise<{ parts: { partNumber: number; url: string }[]; expiresAt: Date }> {
  const row = await ownRow(viewer, id);
  const t = target();
  const { partCount } = toDirectUpload(row);
  const beyond = partNumbers.find((n) => n > partCount);
  if (beyond !== undefined) {
    throw new AppError("invalid", `This upload has ${partCount} part(s); there is no part ${beyond}.`, {
      fields: { partNumbers: `Part numbers go from 1 to ${partCount}.` },
    });
  }
  const unique = [...new Set(partNumbers)];
  const parts = await Promise.all(
    unique.map(async (partNumber) => ({
      partNumber,
      url: await t.presignPart(row.storageKey, row.multipartId, { partNumber, sizeBytes: partLength(row, partNumber) }, PART_URL_SECONDS),
    })),
  );
  return { parts, expiresAt: new Date(Date.now() + PART_URL_SECONDS * 1000) };
}

/** What the bucket says when the parts do not add up (a missing or mangled part): the user's to fix. */
function isPartError(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? "";
  return ["InvalidPart", "InvalidPartOrder", "EntityTooSmall", "NoSuchUpload", "MalformedXML"].includes(name);
}

/**
 * Joins the parts and turns the object into a media file, exactly as a form upload: sniffed by
 * content, deduplicated, within the quota. 201 (`created`) or 200 for bytes already in the
 * library; a refused file (415/422/413) is removed from the bucket.
 */
export async function completeDirectUpload(
  viewer: Viewer,
  id: string,
  parts: { partNumber: number; etag: string }[],
): Promise<{ file: MediaFile; created: boolean }> {
  const row = await ownRow(viewer, id);
  const t = target();
  const { partCount } = toDirectUpload(row);
  const numbers = parts.map((p) => p.partNumber).sort((x, y) => x - y);
  if (numbers.length !== partCount || numbers.some((n, i) => n !== i + 1)) {
    throw new AppError("invalid", `Send the ETag of each of the ${partCount} part(s), once each, numbered 1 to ${partCount}.`, {
      fields: { parts: `Expected parts 1 to ${partCount}.` },
    });
  }
  try {
    await t.completeMultipart(row.storageKey, row.multipartId, [...parts].sort((x, y) => x.partNumber - y.partNumber));
  } catch (err) {
    if (!isPartError(err)) throw err;
    throw new AppError("invalid", "The storage refused to join the parts: one is missing, too small or has a wrong ETag. Upload the parts again.", {
      fields: { parts: "A part is missing, too small or has a wrong ETag." },
    });
  }
  // From here on this call owns the object: claim the row so that a second completion cannot
  // ingest (and later remove) the same object.
  const [claimed] = await db
    .delete(tables.directUploads)
    .where(and(eq(tables.directUploads.id, row.id), eq(tables.directUploads.ownerId, viewer.userId)))
    .returning();
  if (!claimed) throw new AppError("conflict", "This upload is already being finished.");
  const storage = getStorage();
  let handedOver = false;
  try {
    const stat = await storage.stat(row.storageKey);
    if (!stat) throw new AppError("invalid", "The upload holds no file; start it again.");
    if (stat.size !== row.sizeBytes) {
      throw new AppError("invalid", `The parts add up to ${stat.size} bytes, not the ${row.sizeBytes} announced; start the upload again.`);
    }
    const localPath = await storage.localPath(row.storageKey);
    const hash = crypto.createHash("sha256");
    await pipeline(fs.createReadStream(localPath), hash);
    handedOver = true; // ingestUpload keeps the object or removes it
    return await ingestUpload(
      viewer,
      { tempPath: localPath, originalFilename: row.originalFilename, sizeBytes: stat.size, sha256: hash.digest("hex") },
      { storedKey: row.storageKey },
    );
  } finally {
    if (!handedOver) await storage.delete(row.storageKey).catch((err: unknown) => log.warn("direct upload: could not remove object", { err, key: row.storageKey }));
  }
}

/** Drops the viewer's unfinished upload and whatever parts reached the bucket. */
export async function abortDirectUpload(viewer: Viewer, id: string): Promise<void> {
  const row = await ownRow(viewer, id);
  const t = target();
  await db.delete(tables.directUploads).where(eq(tables.directUploads.id, row.id));
  // Gone for the user either way; parts the bucket keeps are for its lifecycle rule
  // (docs/DEPLOY.md: abort incomplete multipart uploads after a day).
  await t.abortMultipart(row.storageKey, row.multipartId).catch((err: unknown) => log.warn("direct upload: abort failed", { err, id: row.id }));
}

/** Aborts uploads left unfinished past their lifetime (a closed tab never comes back). */
export async function sweepDirectUploads(now = new Date()): Promise<number> {
  const t = getDirectUploads();
  const stale = await db.delete(tables.directUploads).where(lt(tables.directUploads.expiresAt, now)).returning();
  for (const row of stale) {
    await t?.abortMultipart(row.storageKey, row.multipartId).catch((err: unknown) => log.warn("direct upload: abort failed", { err, id: row.id }));
  }
  return stale.length;
}
