import crypto from "node:crypto";
import fs from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { sweepDirectUploads } from "@/lib/data/direct-uploads";
import { resetStorageForTests, setStorageForTests } from "@/lib/storage";
import { startTestS3 } from "@/lib/storage/s3-test-server";
import { call } from "@/tests/api-client";
import { makeFixtureDir, noiseBytes } from "@/tests/media-fixtures";
import * as fileRoute from "../files/[id]/route";
import * as filesRoute from "../files/route";
import * as tokensRoute from "../tokens/route";
import * as usersRoute from "../users/route";
import * as completeRoute from "./[id]/complete/route";
import * as partsRoute from "./[id]/parts/route";
import * as uploadRoute from "./[id]/route";
import * as uploadsRoute from "./route";

/**
 * Direct uploads to object storage (s3rver on loopback): the client PUTs parts to presigned URLs
 * (plain fetch here, as a browser would), then the app joins, sniffs and records the file.
 */
const fx = makeFixtureDir();
let s3: Awaited<ReturnType<typeof startTestS3>>;
afterAll(async () => {
  resetStorageForTests();
  await s3?.close();
  fx.cleanup();
});

let seq = 0;
async function token() {
  const email = `direct-${Date.now()}-${seq++}@example.com`;
  await call(usersRoute.POST, { method: "POST", json: { name: "D", email, password: "long enough pw" } });
  return (await call(tokensRoute.POST, { method: "POST", json: { email, password: "long enough pw" } })).body.token as string;
}

const start = (tok: string, json: unknown) => call(uploadsRoute.POST, { method: "POST", token: tok, json });
const presign = (tok: string, id: string, partNumbers: number[]) =>
  call(partsRoute.POST, { method: "POST", token: tok, params: { id }, json: { partNumbers } });
const complete = (tok: string, id: string, parts: { partNumber: number; etag: string }[]) =>
  call(completeRoute.POST, { method: "POST", token: tok, params: { id }, json: { parts } });

/** What a browser does: ask for the part URLs, PUT every slice (in parallel), keep the ETags. */
async function sendParts(tok: string, upload: { id: string; partSize: number; partCount: number }, bytes: Buffer) {
  const numbers = Array.from({ length: upload.partCount }, (_, i) => i + 1);
  const urls = await presign(tok, upload.id, numbers);
  expect(urls.status).toBe(200);
  // Each URL is signed for its part's length: the bucket refuses a part of another size.
  for (const { url } of urls.body.parts) expect(new URL(url).searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;host");
  return Promise.all(
    (urls.body.parts as { partNumber: number; url: string }[]).map(async ({ partNumber, url }) => {
      const slice = bytes.subarray((partNumber - 1) * upload.partSize, partNumber * upload.partSize);
      const res = await fetch(url, { method: "PUT", body: new Uint8Array(slice) });
      expect(res.status, await res.clone().text()).toBe(200);
      return { partNumber, etag: res.headers.get("etag")! };
    }),
  );
}

async function storageKeyOf(id: string) {
  const [row] = await db.select().from(tables.directUploads).where(eq(tables.directUploads.id, id));
  return row!.storageKey;
}

describe("direct uploads with local disk storage", () => {
  it("are refused with a pointer to the form upload", async () => {
    const res = await start(await token(), { filename: "a.wav", sizeBytes: 1000 });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/POST \/api\/v1\/files/);
  });
});

describe("direct uploads to S3", () => {
  beforeAll(async () => {
    s3 = await startTestS3();
    setStorageForTests(() => s3.storage);
  });

  it("joins parts sent in parallel into a sniffed media file, stored once per content", async () => {
    const tok = await token();
    // 200 s of 44.1 kHz mono 16-bit: about 17.6 MB, three 8 MiB parts.
    const wav = fx.wav("long.wav", 200);
    const bytes = fs.readFileSync(wav);
    const begun = await start(tok, { filename: "../Interview – Folge 1.wav", sizeBytes: bytes.length });
    expect(begun.status).toBe(201);
    expect(begun.body).toMatchObject({ originalFilename: "Interview – Folge 1.wav", sizeBytes: bytes.length, partSize: 8 * 1024 * 1024, partCount: 3 });
    expect(new Date(begun.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    // A reloaded page finds its upload again.
    expect((await call(uploadRoute.GET, { token: tok, params: { id: begun.body.id } })).body).toEqual(begun.body);
    const key = await storageKeyOf(begun.body.id);

    const parts = await sendParts(tok, begun.body, bytes);
    const done = await complete(tok, begun.body.id, parts.reverse());
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body).toMatchObject({
      kind: "audio",
      originalFilename: "Interview – Folge 1.wav",
      sizeBytes: bytes.length,
      sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
      sampleRate: 44100,
      channels: 1,
    });
    expect(done.body.durationSeconds).toBeCloseTo(200, 1);
    // The object in the bucket is the file; the upload is finished.
    const [file] = await db.select().from(tables.mediaFiles).where(eq(tables.mediaFiles.id, done.body.id));
    expect(file!.storageKey).toBe(key);
    expect((await s3.storage.stat(key))?.size).toBe(bytes.length);
    expect((await call(uploadRoute.GET, { token: tok, params: { id: begun.body.id } })).status).toBe(404);
    expect((await complete(tok, begun.body.id, parts)).status).toBe(404);
    expect((await call(filesRoute.GET, { token: tok })).body.items.map((f: { id: string }) => f.id)).toEqual([done.body.id]);

    // The same bytes again: the library keeps one file, the second object leaves the bucket.
    const again = await start(tok, { filename: "copy.wav", sizeBytes: bytes.length });
    const secondKey = await storageKeyOf(again.body.id);
    const same = await complete(tok, again.body.id, await sendParts(tok, again.body, bytes));
    expect(same.status).toBe(200);
    expect(same.body.id).toBe(done.body.id);
    expect(await s3.storage.stat(secondKey)).toBeNull();
  });

  it("refuses what is not audio or an image, and leaves nothing in the bucket", async () => {
    const tok = await token();
    const bytes = noiseBytes(300_000, 7);
    const begun = await start(tok, { filename: "song.mp3", sizeBytes: bytes.length });
    const key = await storageKeyOf(begun.body.id);
    const res = await complete(tok, begun.body.id, await sendParts(tok, begun.body, bytes));
    expect(res.status).toBe(415);
    expect(res.body.error.message).toMatch(/WAV, MP3/);
    expect(await s3.storage.stat(key)).toBeNull();
    expect((await call(filesRoute.GET, { token: tok })).body.items).toEqual([]);
  });

  it("refuses parts that do not add up to the size announced", async () => {
    const tok = await token();
    const bytes = fs.readFileSync(fx.wav("short.wav", 2));
    const begun = await start(tok, { filename: "short.wav", sizeBytes: bytes.length + 10 });
    const key = await storageKeyOf(begun.body.id);
    const res = await complete(tok, begun.body.id, await sendParts(tok, begun.body, bytes));
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/not the \d+ announced/);
    expect(await s3.storage.stat(key)).toBeNull();
  });

  it("answers bad requests with clear 4xx errors", async () => {
    const tok = await token();
    expect((await start(tok, { filename: "x.wav", sizeBytes: 0 })).status).toBe(422);
    expect((await start(tok, { filename: "x.wav" })).status).toBe(422);
    const huge = await start(tok, { filename: "x.wav", sizeBytes: 3 * 1024 ** 3 });
    expect(huge.status).toBe(413);
    expect(huge.body.error.message).toMatch(/limit/);
    const begun = await start(tok, { filename: "x.wav", sizeBytes: 20 * 1024 * 1024 });
    expect(begun.body.partCount).toBe(3);
    expect((await presign(tok, begun.body.id, [4])).status).toBe(422);
    expect((await presign(tok, begun.body.id, [])).status).toBe(422);
    const missing = await complete(tok, begun.body.id, [
      { partNumber: 1, etag: "a" },
      { partNumber: 3, etag: "c" },
    ]);
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toMatch(/each of the 3 part/);
    expect((await call(uploadRoute.GET, { token: tok, params: { id: "not-a-uuid" } })).status).toBe(404);
    expect((await call(uploadsRoute.POST, { method: "POST", token: tok, body: "{", headers: { "content-type": "application/json" } })).status).toBe(400);
  });

  it("belongs to its owner only", async () => {
    const owner = await token();
    const other = await token();
    const begun = await start(owner, { filename: "mine.wav", sizeBytes: 1000 });
    const id = begun.body.id as string;
    for (const res of [
      await call(uploadRoute.GET, { token: other, params: { id } }),
      await presign(other, id, [1]),
      await complete(other, id, [{ partNumber: 1, etag: "x" }]),
      await call(uploadRoute.DELETE, { method: "DELETE", token: other, params: { id } }),
    ]) {
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain("mine.wav");
    }
    expect((await call(uploadRoute.GET, { token: owner, params: { id } })).status).toBe(200);
  });

  it("is aborted on request, and by the sweep once a day has passed", async () => {
    const tok = await token();
    const aborted = await start(tok, { filename: "gone.wav", sizeBytes: 1000 });
    expect((await call(uploadRoute.DELETE, { method: "DELETE", token: tok, params: { id: aborted.body.id } })).status).toBe(204);
    expect((await call(uploadRoute.GET, { token: tok, params: { id: aborted.body.id } })).status).toBe(404);

    const left = await start(tok, { filename: "left.wav", sizeBytes: 1000 });
    expect(await sweepDirectUploads()).toBe(0);
    expect(await sweepDirectUploads(new Date(Date.now() + 25 * 3600_000))).toBeGreaterThanOrEqual(1);
    expect((await db.select().from(tables.directUploads).where(eq(tables.directUploads.id, left.body.id))).length).toBe(0);
    // A file upload through the app still works alongside.
    const form = new FormData();
    form.append("file", new Blob([fs.readFileSync(fx.wav("form.wav", 1))]), "form.wav");
    const req = new Request("http://localhost/api/v1/files", { method: "POST", body: form, headers: { authorization: `Bearer ${tok}` } });
    const res = await filesRoute.POST(req, { params: Promise.resolve({}) });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect((await call(fileRoute.GET, { token: tok, params: { id } })).body.kind).toBe("audio");
  });
});
