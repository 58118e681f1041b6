import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { flushDownloads } from "@/lib/analytics";
import { completeProcessing, opusKeyFor, storeProcessingOutput } from "@/lib/data/processing";
import { resetStorageForTests, setStorageForTests } from "@/lib/storage";
import { startTestS3 } from "@/lib/storage/s3-test-server";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import { GET } from "./route";

const APPLE = "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  resetStorageForTests();
  await close?.();
  close = undefined;
});

function encode(codec: "mp3" | "opus") {
  const file = path.join(os.tmpdir(), `pp-opus-s3-${crypto.randomUUID()}.${codec}`);
  const out = codec === "mp3" ? ["-c:a", "libmp3lame", "-b:a", "64k"] : ["-ar", "48000", "-c:a", "libopus", "-b:a", "48k", "-f", "ogg"];
  execFileSync(ffmpegInstaller.path, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=500:duration=4", ...out, file]);
  const data = fs.readFileSync(file);
  return { file, data, sha256: crypto.createHash("sha256").update(data).digest("hex") };
}

describe("Opus rendition from object storage", () => {
  it("is stored as audio/ogg beside the master, counted, then redirected to a presigned URL that serves the range", async () => {
    const s3 = await startTestS3();
    close = s3.close;
    setStorageForTests(() => s3.storage);
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const ep = await makePublishedEpisode(user.viewer, podcast.id);
    const id = crypto.randomUUID();
    const now = new Date();
    await db.insert(tables.episodeProcessing).values({ id, episodeId: ep.id, ownerId: user.id, status: "running", progress: 0, step: "master", options: {}, createdAt: now, updatedAt: now });
    const mp3 = encode("mp3");
    const opus = encode("opus");
    const key = (await storeProcessingOutput(id, mp3.file, { opus: opus.file }))!;
    await completeProcessing(id, { key, sha256: mp3.sha256, sizeBytes: mp3.data.length, durationSeconds: 4, stats: {}, waveform: null, opus: { key: opusKeyFor(id), sha256: opus.sha256, sizeBytes: opus.data.length, channels: 1 } });
    const head = await s3.storage.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: opusKeyFor(id) }));
    expect(head.ContentType).toBe("audio/ogg");

    const res = await GET(
      new Request(`http://localhost/p/${podcast.slug}/${ep.slug}/audio.opus`, { headers: { "x-forwarded-for": "203.0.113.8", "user-agent": APPLE, range: "bytes=0-9" } }),
      { params: Promise.resolve({ slug: podcast.slug, episode: ep.slug }) },
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const location = new URL(res.headers.get("location")!);
    expect(location.origin).toBe(s3.endpoint);
    const fromBucket = await fetch(location, { headers: { range: "bytes=0-9" } });
    expect(fromBucket.status).toBe(206);
    expect(fromBucket.headers.get("content-type")).toBe("audio/ogg");
    expect(Buffer.from(await fromBucket.arrayBuffer()).equals(opus.data.subarray(0, 10))).toBe(true);

    await flushDownloads();
    const rows = await db.select().from(tables.downloadSessions).where(eq(tables.downloadSessions.episodeId, ep.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ coveredBytes: 10, requests: 1, countedAt: null });
  });
});
