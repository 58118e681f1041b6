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

/**
 * A stored media file, ready for `serveRanges()`: the one place the validators of every file
 * route are chosen. Stored files never change, so the ETag is the content's SHA-256 and
 * Last-Modified is when the file was stored, on local disk and S3 alike.
 */
export async function openStoredFile(file: StoredFileRef): Promise<RangeSource & { storageKey: string }> {
  const storage = getStorage();
  const stat = await storage.stat(file.storageKey);
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
