import "server-only";
import { notFound } from "@/lib/errors";
import type { RangeSource } from "@/lib/http/ranges";
import { getStorage } from "@/lib/storage";

/** The columns of a media file that serving it needs. */
export interface StoredFileRef {
  storageKey: string;
  mimeType: string;
  sha256: string;
  createdAt: Date;
}

// A stored object never changes under its key (each stored file gets a new one), so its size is
// kept a few seconds: under load the stat cost more than the rest of a range request. Briefly,
// so that a file gone from storage answers 404 again soon.
const statCache = new Map<string, { stat: { size: number }; until: number }>();
const STAT_TTL_MS = 5_000;
const MAX_STATS = 10_000;

async function statStored(storageKey: string): Promise<{ size: number } | null> {
  const now = Date.now();
  const hit = statCache.get(storageKey);
  if (hit && hit.until > now) return hit.stat;
  const stat = await getStorage().stat(storageKey);
  if (stat) {
    if (statCache.size >= MAX_STATS) statCache.delete(statCache.keys().next().value!);
    statCache.set(storageKey, { stat, until: now + STAT_TTL_MS });
  } else {
    statCache.delete(storageKey);
  }
  return stat;
}

/**
 * A stored media file, ready for `serveRanges()`: the one place the validators of every file
 * route are chosen. Stored files never change, so the ETag is the content's SHA-256 and
 * Last-Modified is when the file was stored, on local disk and S3 alike.
 */
export async function openStoredFile(file: StoredFileRef): Promise<RangeSource & { storageKey: string }> {
  const storage = getStorage();
  const stat = await statStored(file.storageKey);
  if (!stat) throw notFound("File content");
  return {
    size: stat.size,
    etag: `"${file.sha256}"`,
    lastModified: file.createdAt,
    contentType: file.mimeType,
    storageKey: file.storageKey,
    open: (range) => storage.createReadStream(file.storageKey, range),
  };
}
