import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { scratchDir } from "@/lib/storage";

export interface ReceivedFile {
  tempPath: string;
  originalFilename: string;
  sizeBytes: number;
  sha256: string;
}

/** A display name from a client-sent filename: no directories, no control characters, bounded. */
export function cleanFilename(name: string | undefined): string {
  const base = (name ?? "").split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex -- control characters are what it strips
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, "").normalize("NFC").trim().slice(0, 255);
  return cleaned === "" || cleaned === "." || cleaned === ".." ? "upload" : cleaned;
}

/**
 * How much one upload may write: the server's per-file limit and what is left of the user's
 * storage quota (lib/data/media.ts `uploadAllowance`). Both are enforced while streaming.
 */
export interface UploadAllowance {
  maxBytes: number;
  quotaBytes: number;
  usedBytes: number;
}

export const tooLarge = (max: number) =>
  new AppError("too_large", `The file is larger than the limit of ${formatBytes(max)}.`, { details: { limitBytes: max } });

/** 413 for an upload that does not fit in what is left of the user's storage quota. */
export function quotaExceeded(quotaBytes: number, usedBytes: number): AppError {
  const left = Math.max(0, quotaBytes - usedBytes);
  return new AppError(
    "too_large",
    `This file does not fit in your storage quota: ${formatBytes(usedBytes)} of ${formatBytes(quotaBytes)} used, ` +
      `${formatBytes(left)} left. Delete files you no longer need from the media library, then try again.`,
    { details: { quotaBytes, usedBytes } },
  );
}

export function formatBytes(n: number) {
  if (n === 0) return "0 KiB";
  if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.ceil(n / 1024)} KiB`;
}

/**
 * Streams the `file` field of a multipart request to a scratch file while hashing it: memory
 * stays flat whatever the size. Past the per-file limit or the quota left it stops reading and
 * answers too_large. The caller owns the returned temp file.
 */
export async function receiveUpload(req: Request, limit: number | UploadAllowance): Promise<ReceivedFile> {
  const allowance = typeof limit === "number" ? { maxBytes: limit, quotaBytes: Infinity, usedBytes: 0 } : limit;
  const left = allowance.quotaBytes - allowance.usedBytes;
  const maxBytes = Math.max(0, Math.min(allowance.maxBytes, left));
  const overLimit = () => (left < allowance.maxBytes ? quotaExceeded(allowance.quotaBytes, allowance.usedBytes) : tooLarge(maxBytes));
  const type = req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) {
    throw new AppError("unsupported_media", "Send the file as multipart/form-data, in a field named \"file\".");
  }
  // A full quota: refuse before reading a byte.
  if (maxBytes === 0) throw overLimit();
  const declared = Number(req.headers.get("content-length"));
  // Multipart framing adds a little; anything far past the limit is refused before reading.
  if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) throw overLimit();
  if (!req.body) throw new AppError("bad_request", "The request has no body.");

  const tempPath = path.join(await scratchDir("uploads"), `${newId()}.part`);
  const body = Readable.fromWeb(req.body as import("node:stream/web").ReadableStream);
  let parser: busboy.Busboy;
  try {
    // defParamCharset: browsers send filenames as UTF-8; busboy's default (latin1) garbles them.
    parser = busboy({ headers: { "content-type": type }, defParamCharset: "utf8", limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 4096, parts: 30 } });
  } catch {
    throw new AppError("bad_request", "The multipart body is malformed (missing boundary?).");
  }

  let fileDone: Promise<ReceivedFile> | undefined;
  let fileStream: NodeJS.ReadableStream & { destroy(): void } | undefined;
  try {
    const result = await new Promise<ReceivedFile>((resolve, reject) => {
      let failed = false;
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        body.unpipe(parser);
        body.destroy(); // stop reading the rest of the upload
        fileStream?.destroy();
        reject(err);
      };
      parser.on("file", (field, stream, info) => {
        if (field !== "file" || fileDone) {
          stream.resume();
          return;
        }
        fileStream = stream;
        const hash = crypto.createHash("sha256");
        let size = 0;
        stream.on("data", (chunk: Buffer) => {
          size += chunk.length;
          hash.update(chunk);
        });
        stream.on("limit", () => fail(overLimit()));
        fileDone = pipeline(stream, fs.createWriteStream(tempPath, { mode: 0o600 })).then(() => ({
          tempPath,
          originalFilename: cleanFilename(info.filename),
          sizeBytes: size,
          sha256: hash.digest("hex"),
        }));
        fileDone.catch(fail);
      });
      parser.on("error", () => fail(new AppError("bad_request", "The multipart body is malformed.")));
      parser.on("close", () => {
        if (failed) return;
        if (!fileDone) return fail(new AppError("invalid", "No file was sent.", { fields: { file: "Choose a file to upload." } }));
        fileDone.then(resolve, fail);
      });
      body.on("error", () => fail(new AppError("bad_request", "The upload was interrupted.")));
      body.pipe(parser);
    });
    if (result.sizeBytes === 0) throw new AppError("invalid", "The file is empty.", { fields: { file: "The file is empty." } });
    return result;
  } catch (err) {
    // Let the write stream close before removing its file, or it could reappear after the rm.
    await fileDone?.catch(() => undefined);
    await fsp.rm(tempPath, { force: true });
    throw err;
  }
}

/**
 * Removes upload parts left by requests that died with the process (a crash or SIGKILL mid-upload).
 * A live upload writes continuously, so a part untouched for `olderThanMs` belongs to nobody.
 */
export async function sweepUploadParts(olderThanMs = 10 * 60_000): Promise<number> {
  const dir = await scratchDir("uploads");
  const cutoff = Date.now() - olderThanMs;
  let removed = 0;
  for (const name of await fsp.readdir(dir)) {
    if (!name.endsWith(".part")) continue;
    const file = path.join(dir, name);
    const stat = await fsp.stat(file).catch(() => undefined);
    if (!stat || stat.mtimeMs > cutoff) continue;
    await fsp.rm(file, { force: true });
    removed++;
  }
  return removed;
}
