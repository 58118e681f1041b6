import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import crypto from "node:crypto";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { checkStorageKey, type DeliveryOptions, type DirectUploadTarget, type Storage } from "./types";

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** For MinIO, R2, a loopback test server…; unset means AWS. */
  endpoint?: string;
  /** Static credentials; unset lets the SDK use its default chain (instance role, AWS_* variables…). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle?: boolean;
  /** A public (CDN) base URL in front of the bucket: deliveries redirect there instead of presigning. */
  publicBaseUrl?: string;
  /** Where `localPath()` keeps downloaded objects (DATA_DIR/tmp/s3-cache). */
  cacheDir: string;
  /** Lifetime of presigned delivery URLs, in seconds. */
  presignSeconds?: number;
}

/** Big files are uploaded in parts, a few at a time, so memory stays bounded (queueSize × partSize). */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;
/** Cached downloads nobody asked for in this long are removed (checked at most once an hour). */
const CACHE_MAX_AGE_MS = 24 * 3600 * 1000;

/** S3-compatible object storage (AWS S3, Cloudflare R2, MinIO…), one object per key. */
export class S3Storage implements Storage, DirectUploadTarget {
  readonly client: S3Client;
  private lastPrune = 0;

  constructor(private readonly opts: S3StorageOptions) {
    this.client = new S3Client({
      region: opts.region,
      endpoint: opts.endpoint,
      forcePathStyle: opts.forcePathStyle,
      credentials: opts.credentials,
      // Newer SDKs add checksum trailers (aws-chunked bodies) that R2, MinIO versions and other
      // S3-compatible servers do not all accept: only send checksums where S3 requires them.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  async putFile(key: string, localPath: string, opts: { contentType?: string } = {}) {
    checkStorageKey(key);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.opts.bucket, Key: key, Body: fs.createReadStream(localPath), ContentType: opts.contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    await upload.done();
    await fsp.rm(localPath, { force: true });
    // A key written again (a retried processing step) must not be read from an older cached copy.
    await fsp.rm(path.join(this.opts.cacheDir, key), { force: true });
  }

  createReadStream(key: string, range?: { start: number; end: number }): Readable {
    const out = new PassThrough();
    const abort = new AbortController();
    // A listener that goes away mid-stream must not keep the object download running.
    out.once("close", () => abort.abort());
    const command = new GetObjectCommand({
      Bucket: this.opts.bucket,
      Key: checkStorageKey(key),
      Range: range ? `bytes=${range.start}-${range.end}` : undefined,
    });
    this.client.send(command, { abortSignal: abort.signal }).then(
      (res) => pipeline(res.Body as Readable, out).catch((err: unknown) => out.destroy(err as Error)),
      (err: unknown) => out.destroy(isMissing(err) ? missing(key) : (err as Error)),
    );
    return out;
  }

  async stat(key: string) {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: checkStorageKey(key) }));
      return { size: head.ContentLength ?? 0, mtime: head.LastModified ?? new Date(0) };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  /**
   * Downloads the object to DATA_DIR/tmp/s3-cache/<key> (a temporary name, then an atomic
   * rename) and reuses that copy while its size matches. Keys are never rewritten, so the size
   * is enough to tell a complete copy.
   */
  async localPath(key: string) {
    const dest = path.join(this.opts.cacheDir, checkStorageKey(key));
    const head = await this.stat(key);
    if (!head) throw missing(key);
    const cached = await fsp.stat(dest).catch(() => null);
    if (cached?.size === head.size) {
      const now = new Date();
      await fsp.utimes(dest, now, now).catch(() => undefined);
      return dest;
    }
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.${crypto.randomUUID()}.partial`;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: key }));
      await pipeline(res.Body as Readable, fs.createWriteStream(tmp));
      await fsp.rename(tmp, dest);
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw isMissing(err) ? missing(key) : err;
    }
    void this.pruneCache();
    return dest;
  }

  async delete(key: string) {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: checkStorageKey(key) }));
    await fsp.rm(path.join(this.opts.cacheDir, key), { force: true });
  }

  async deliveryUrl(key: string, opts: DeliveryOptions = {}) {
    checkStorageKey(key);
    if (this.opts.publicBaseUrl && !opts.private) return `${this.opts.publicBaseUrl.replace(/\/+$/, "")}/${key}`;
    const command = new GetObjectCommand({
      Bucket: this.opts.bucket,
      Key: key,
      ResponseContentType: opts.contentType,
      ResponseContentDisposition: opts.contentDisposition,
    });
    return getSignedUrl(this.client, command, { expiresIn: this.opts.presignSeconds ?? 600 });
  }

  async createMultipart(key: string, opts: { contentType?: string } = {}) {
    const res = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.opts.bucket, Key: checkStorageKey(key), ContentType: opts.contentType }),
    );
    if (!res.UploadId) throw new Error(`the bucket started no multipart upload for ${key}`);
    return res.UploadId;
  }

  presignPart(key: string, multipartId: string, part: { partNumber: number; sizeBytes: number }, expiresInSeconds: number) {
    const command = new UploadPartCommand({
      Bucket: this.opts.bucket,
      Key: checkStorageKey(key),
      UploadId: multipartId,
      PartNumber: part.partNumber,
      ContentLength: part.sizeBytes,
    });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds });
  }

  async completeMultipart(key: string, multipartId: string, parts: { partNumber: number; etag: string }[]) {
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.opts.bucket,
        Key: checkStorageKey(key),
        UploadId: multipartId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
  }

  async abortMultipart(key: string, multipartId: string) {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.opts.bucket, Key: checkStorageKey(key), UploadId: multipartId }));
    } catch (err) {
      if (!isMissing(err) && (err as { name?: string }).name !== "NoSuchUpload") throw err;
    }
  }

  /** Throws unless the bucket answers with these credentials (the health check). */
  async check() {
    await this.client.send(new HeadBucketCommand({ Bucket: this.opts.bucket }));
  }

  /** Removes cached downloads unused for a day, so the cache does not grow without bound. */
  private async pruneCache() {
    const now = Date.now();
    if (now - this.lastPrune < 3600 * 1000) return;
    this.lastPrune = now;
    try {
      const entries = await fsp.readdir(this.opts.cacheDir, { recursive: true, withFileTypes: true });
      for (const e of entries) {
        if (!e.isFile()) continue;
        const file = path.join(e.parentPath, e.name);
        const s = await fsp.stat(file).catch(() => null);
        if (s && now - s.mtimeMs > CACHE_MAX_AGE_MS) await fsp.rm(file, { force: true });
      }
    } catch {
      // Best effort: a cache that cannot be pruned now is pruned next time.
    }
  }
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NotFound" || e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404;
}

/** The same error shape as a missing local file, so callers need not know the adapter. */
function missing(key: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`storage object not found: ${key}`), { code: "ENOENT" });
}
