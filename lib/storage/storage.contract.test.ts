import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newStorageKey, type Storage } from "@/lib/storage";
import { LocalDiskStorage } from "./local";
import { startTestS3 } from "./s3-test-server";

/**
 * One contract for every storage adapter: what the data layer, processing and the delivery
 * routes rely on. The S3 run talks to an S3-protocol server on loopback.
 */
type Adapter = { storage: Storage; close(): Promise<void> };

const adapters: [string, () => Promise<Adapter>][] = [
  [
    "local disk",
    async () => {
      const root = await fsp.mkdtemp(path.join(os.tmpdir(), "podcastpro-local-"));
      return { storage: new LocalDiskStorage(root), close: () => fsp.rm(root, { recursive: true, force: true }) };
    },
  ],
  ["S3 (s3rver on loopback)", () => startTestS3()],
];

let scratch: string;
beforeAll(async () => {
  scratch = await fsp.mkdtemp(path.join(os.tmpdir(), "podcastpro-scratch-"));
});
afterAll(async () => {
  await fsp.rm(scratch, { recursive: true, force: true });
});

async function tempFile(bytes: Buffer): Promise<string> {
  const file = path.join(scratch, crypto.randomUUID());
  await fsp.writeFile(file, bytes);
  return file;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe.each(adapters)("storage contract: %s", (_name, start) => {
  let adapter: Adapter;
  let storage: Storage;
  const body = crypto.randomBytes(100_000);
  const key = newStorageKey("media");

  beforeAll(async () => {
    adapter = await start();
    storage = adapter.storage;
    await storage.putFile(key, await tempFile(body));
  });
  afterAll(async () => {
    await adapter?.close();
  });

  it("moves the local file into storage and reports its size", async () => {
    const src = await tempFile(Buffer.from("hello"));
    const k = newStorageKey("out");
    await storage.putFile(k, src);
    expect(fs.existsSync(src)).toBe(false);
    const s = await storage.stat(k);
    expect(s?.size).toBe(5);
    expect(s?.mtime).toBeInstanceOf(Date);
    expect(Math.abs(Date.now() - s!.mtime.getTime())).toBeLessThan(5 * 60_000);
  });

  it("accepts a content type with the bytes", async () => {
    const k = newStorageKey("out");
    await storage.putFile(k, await tempFile(Buffer.from("ID3")), { contentType: "audio/mpeg" });
    expect((await storage.stat(k))?.size).toBe(3);
    await storage.delete(k);
  });

  it("reads the whole object", async () => {
    expect((await readAll(storage.createReadStream(key))).equals(body)).toBe(true);
  });

  it("reads inclusive byte ranges: first, middle and suffix", async () => {
    // bytes=0-1 is what Apple's players probe with. (Not 0-0: s3rver reads an end of 0 as "to
    // the end", unlike S3, R2 and MinIO.)
    const first = await readAll(storage.createReadStream(key, { start: 0, end: 1 }));
    expect(first.equals(body.subarray(0, 2))).toBe(true);
    const middle = await readAll(storage.createReadStream(key, { start: 1000, end: 50_999 }));
    expect(middle.equals(body.subarray(1000, 51_000))).toBe(true);
    const suffix = await readAll(storage.createReadStream(key, { start: body.length - 500, end: body.length - 1 }));
    expect(suffix.equals(body.subarray(body.length - 500))).toBe(true);
  });

  it("gives a local path holding the same bytes, reused on the next call", async () => {
    const p = await storage.localPath(key);
    expect((await fsp.readFile(p)).equals(body)).toBe(true);
    expect(await storage.localPath(key)).toBe(p);
    expect((await fsp.readFile(p)).equals(body)).toBe(true);
  });

  it("answers a missing key with null, an erroring stream and an idempotent delete", async () => {
    const k = newStorageKey("media");
    expect(await storage.stat(k)).toBeNull();
    await expect(readAll(storage.createReadStream(k))).rejects.toMatchObject({ code: "ENOENT" });
    // No local path to nothing: ffmpeg would take a missing file for a damaged one.
    await expect(storage.localPath(k)).rejects.toMatchObject({ code: "ENOENT" });
    await storage.delete(k);
    await storage.delete(k);
  });

  it("replaces an object written again under the same key, also in its local copy", async () => {
    const k = newStorageKey("out");
    await storage.putFile(k, await tempFile(Buffer.from("first")));
    expect((await fsp.readFile(await storage.localPath(k))).toString()).toBe("first");
    await storage.putFile(k, await tempFile(Buffer.from("again")));
    expect((await fsp.readFile(await storage.localPath(k))).toString()).toBe("again");
    await storage.delete(k);
  });

  it("deletes an object (and a local copy of it)", async () => {
    const k = newStorageKey("media");
    await storage.putFile(k, await tempFile(Buffer.from("bye")));
    const p = await storage.localPath(k);
    await storage.delete(k);
    expect(await storage.stat(k)).toBeNull();
    await expect(readAll(storage.createReadStream(k))).rejects.toMatchObject({ code: "ENOENT" });
    expect(fs.existsSync(p)).toBe(false);
    await storage.delete(k);
  });

  it("lets a reader stop early (a listener who goes away) without breaking later reads", async () => {
    const stream = storage.createReadStream(key);
    for await (const chunk of stream) {
      expect((chunk as Buffer).length).toBeGreaterThan(0);
      break; // destroys the stream
    }
    expect(stream.destroyed).toBe(true);
    expect((await readAll(storage.createReadStream(key, { start: 10, end: 19 }))).equals(body.subarray(10, 20))).toBe(true);
  });

  it("refuses keys it did not generate", async () => {
    await expect(storage.stat("../etc/passwd")).rejects.toThrow(/invalid storage key/);
    expect(() => storage.createReadStream("media/../../x")).toThrow(/invalid storage key/);
  });

  it("streams a 20 MB file in and out without holding it whole", async () => {
    const size = 20 * 1024 * 1024;
    const src = path.join(scratch, crypto.randomUUID());
    const hashIn = crypto.createHash("sha256");
    const out = fs.createWriteStream(src);
    for (let written = 0; written < size; written += 1024 * 1024) {
      const chunk = crypto.randomBytes(1024 * 1024);
      hashIn.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    const k = newStorageKey("out");
    await storage.putFile(k, src);
    expect((await storage.stat(k))?.size).toBe(size);

    const hashOut = crypto.createHash("sha256");
    let total = 0;
    let largest = 0;
    for await (const chunk of storage.createReadStream(k)) {
      hashOut.update(chunk as Buffer);
      total += (chunk as Buffer).length;
      largest = Math.max(largest, (chunk as Buffer).length);
    }
    expect(total).toBe(size);
    expect(largest).toBeLessThan(2 * 1024 * 1024);
    expect(hashOut.digest("hex")).toBe(hashIn.digest("hex"));

    const tail = await readAll(storage.createReadStream(k, { start: size - 10, end: size - 1 }));
    expect(tail.length).toBe(10);
    expect((await fsp.stat(await storage.localPath(k))).size).toBe(size);
    await storage.delete(k);
  });
});
