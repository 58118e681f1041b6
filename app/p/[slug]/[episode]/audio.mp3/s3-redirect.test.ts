import crypto from "node:crypto";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { flushDownloads } from "@/lib/analytics";
import { newStorageKey, resetStorageForTests, setStorageForTests } from "@/lib/storage";
import { startTestS3 } from "@/lib/storage/s3-test-server";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import { GET, HEAD } from "./route";

const APPLE = "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  resetStorageForTests();
  await close?.();
  close = undefined;
});

/** Media stored in the loopback S3 server, then the enclosure requested the way a player does. */
async function setUp(opts: { publicBaseUrl?: string } = {}) {
  const s3 = await startTestS3(opts);
  close = s3.close;
  setStorageForTests(() => s3.storage);
  const user = await makeUser();
  const podcast = await makePodcast(user.viewer);
  const episode = await makePublishedEpisode(user.viewer, podcast.id);
  const request = (method: "GET" | "HEAD", headers: Record<string, string> = {}) =>
    (method === "GET" ? GET : HEAD)(
      new Request(`http://localhost/p/${podcast.slug}/${episode.slug}/audio.mp3`, {
        method,
        headers: { "x-forwarded-for": "203.0.113.7", "user-agent": APPLE, ...headers },
      }),
      { params: Promise.resolve({ slug: podcast.slug, episode: episode.slug }) },
    );
  const sessions = async () => {
    await flushDownloads();
    return db.select().from(tables.downloadSessions).where(eq(tables.downloadSessions.episodeId, episode.id));
  };
  return { s3, episode, request, sessions };
}

describe("audio delivery from object storage", () => {
  it("counts the request, then redirects to a short-lived presigned URL that serves the range", async () => {
    const { s3, episode, request, sessions } = await setUp();
    const bytes = episode.audioBytes;

    const res = await request("GET", { range: "bytes=0-1" });
    expect(res.status).toBe(302);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const location = new URL(res.headers.get("location")!);
    expect(location.origin).toBe(s3.endpoint);
    expect(location.searchParams.get("X-Amz-Expires")).toBe("600");
    expect(location.searchParams.get("X-Amz-Signature")).toBeTruthy();

    // What the player does next: the same Range, at the bucket.
    const fromBucket = await fetch(location, { headers: { range: "bytes=0-1" } });
    expect(fromBucket.status).toBe(206);
    expect(fromBucket.headers.get("content-type")).toBe("audio/mpeg");
    expect(Buffer.from(await fromBucket.arrayBuffer()).equals(bytes.subarray(0, 2))).toBe(true);
    const whole = await fetch(location);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    // (s3rver does not verify V4 signatures, so refusing a tampered or expired URL is not
    // tested here: that is the bucket's job.)

    let rows = await sessions();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ coveredBytes: 2, requests: 1, countedAt: null });

    // HEAD redirects without counting; an unsatisfiable range is not counted either.
    expect((await request("HEAD")).status).toBe(302);
    expect((await request("GET", { range: `bytes=${bytes.length}-` })).status).toBe(302);
    expect((await request("GET")).status).toBe(302);
    rows = await sessions();
    expect(rows[0]).toMatchObject({ coveredBytes: bytes.length, requests: 2 });
    expect(rows[0]!.countedAt).not.toBeNull();
  });

  it("redirects to the public CDN base when one is configured", async () => {
    const { episode, request } = await setUp({ publicBaseUrl: "https://cdn.example.com/podcasts/" });
    const [row] = await db
      .select({ key: tables.mediaFiles.storageKey })
      .from(tables.mediaFiles)
      .where(eq(tables.mediaFiles.id, episode.audioFileId));
    const res = await request("GET");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`https://cdn.example.com/podcasts/${row!.key}`);
  });

  it("keeps the content type with the object, for a CDN to serve", async () => {
    const s3 = await startTestS3();
    close = s3.close;
    const key = newStorageKey("out");
    const file = path.join(os.tmpdir(), `podcastpro-${crypto.randomUUID()}`);
    await fsp.writeFile(file, "ID3");
    await s3.storage.putFile(key, file, { contentType: "audio/mpeg" });
    const head = await s3.storage.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(head.ContentType).toBe("audio/mpeg");
  });

  it("answers 404 when the object is gone from the bucket", async () => {
    const { s3, episode, request } = await setUp();
    const [row] = await db
      .select({ key: tables.mediaFiles.storageKey })
      .from(tables.mediaFiles)
      .where(eq(tables.mediaFiles.id, episode.audioFileId));
    await s3.storage.delete(row!.key);
    expect((await request("GET")).status).toBe(404);
  });
});
