import fsp from "node:fs/promises";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { newId } from "@/lib/ids";
import { LocalDiskStorage } from "./local";
import { S3Storage } from "./s3";
import { checkStorageKey, type DeliveryOptions, type DirectUploadTarget, type Storage } from "./types";

export type { DeliveryOptions, DirectUploadTarget, Storage } from "./types";

/** A fresh storage key: random, two levels of fan-out, a fixed suffix. */
export function newStorageKey(prefix: "media" | "out" = "media"): string {
  return storageKeyFor(prefix, newId());
}

/**
 * The storage key of something that has its own generated id (e.g. a processing's output), so
 * a retried step writes the same key again instead of leaving another object behind.
 */
export function storageKeyFor(prefix: "media" | "out", id: string): string {
  return checkStorageKey(`${prefix}/${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`);
}

let storage: Storage | undefined;

/** The configured storage: local disk under DATA_DIR/media, or S3 with STORAGE_DRIVER=s3. */
export function getStorage(): Storage {
  storage ??= createStorage();
  return storage;
}

function createStorage(): Storage {
  const env = getEnv();
  if (env.STORAGE_DRIVER === "local") return new LocalDiskStorage(path.join(env.dataDir, "media"));
  if (!env.S3_BUCKET) throw new Error("Invalid configuration:\n  S3_BUCKET: is required when STORAGE_DRIVER is s3");
  return new S3Storage({
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    credentials:
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
    publicBaseUrl: env.S3_PUBLIC_BASE_URL,
    cacheDir: path.join(env.dataDir, "tmp", "s3-cache"),
  });
}

/**
 * Where clients should fetch a stored object from directly: a short-lived presigned URL or the
 * public CDN address with object storage, null with local disk (the app streams it).
 */
export async function deliveryUrl(key: string, opts?: DeliveryOptions): Promise<string | null> {
  const s = getStorage();
  return s.deliveryUrl ? s.deliveryUrl(key, opts) : null;
}

/** The first `bytes` bytes of a stored object (all of it when it is shorter), e.g. to read a header. */
export async function readHead(key: string, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of getStorage().createReadStream(key, { start: 0, end: bytes - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Where clients can upload straight into storage (object storage), or null (local disk). */
export function getDirectUploads(): DirectUploadTarget | null {
  const s = getStorage();
  return "createMultipart" in s ? (s as Storage & DirectUploadTarget) : null;
}

/** A private scratch directory under DATA_DIR (same file system as local storage, so moves are renames). */
export async function scratchDir(kind: "uploads" | "work"): Promise<string> {
  const dir = path.join(getEnv().dataDir, "tmp", kind);
  await fsp.mkdir(dir, { recursive: true });
  return dir;
}

/** For tests that switch DATA_DIR. */
export function resetStorageForTests() {
  storage = undefined;
}

/**
 * For tests: wrap the configured storage (fault injection, e.g. a putFile that throws ENOSPC) or
 * replace it (return another adapter); undefined restores it.
 */
export function setStorageForTests(wrap: ((real: Storage) => Storage) | undefined) {
  storage = undefined;
  if (wrap) storage = wrap(getStorage());
}
