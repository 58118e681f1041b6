import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db, tables } from "@/db";
import { getEnv } from "@/lib/env";
import { getEpisode } from "@/lib/data/episodes";
import { getProcessing, startProcessing } from "@/lib/data/processing";
import { startJobs } from "@/lib/jobs/start";
import { waitFor } from "@/lib/jobs/test-kit";
import { writeSpeechLikeWav } from "@/lib/media/test-signals";
import { resetStorageForTests, setStorageForTests } from "@/lib/storage";
import { startTestS3 } from "./s3-test-server";
import { makeEpisode, makePodcast, makeUser, uploadFromPath } from "@/tests/factories";

// Fault injection: when armed, the local copy handed to the loudness measurement disappears
// just before ffmpeg reads it, as when a step runs on an instance whose cache is gone.
const lose = vi.hoisted(() => ({ copyBeforeMeasuring: 0 }));
vi.mock("@/lib/media", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/media")>();
  return {
    ...real,
    measureRecording: async (file: string, opts: Parameters<typeof real.measureRecording>[1]) => {
      if (lose.copyBeforeMeasuring > 0) {
        lose.copyBeforeMeasuring--;
        await fsp.rm(file, { force: true });
      }
      return real.measureRecording(file, opts);
    },
    analyseRecording: async (file: string, opts: Parameters<typeof real.analyseRecording>[1]) => {
      if (lose.copyBeforeMeasuring > 0) {
        lose.copyBeforeMeasuring--;
        await fsp.rm(file, { force: true });
      }
      return real.analyseRecording(file, opts);
    },
  };
});

/**
 * Processing with media in object storage: the durable function fetches its inputs to local disk
 * (the adapter's cache), runs ffmpeg there and stores the master back in the bucket.
 */
let s3: Awaited<ReturnType<typeof startTestS3>>;
let executor: Awaited<ReturnType<typeof startJobs>>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-s3-processing-"));

beforeAll(async () => {
  s3 = await startTestS3();
  setStorageForTests(() => s3.storage);
  executor = await startJobs();
});

afterAll(async () => {
  await executor?.stop({ timeoutMs: 5000 });
  resetStorageForTests();
  await s3?.close();
  await fsp.rm(dir, { recursive: true, force: true });
});

describe("processing with S3 storage", () => {
  it("masters a recording stored in the bucket and stores the result there", async () => {
    const user = await makeUser();
    const wav = path.join(dir, "speech.wav");
    await writeSpeechLikeWav(wav, { seconds: 6, seed: 5, leadingSilence: 0.5, trailingSilence: 0.5 });
    const recording = await uploadFromPath(user.viewer, wav);
    const podcast = await makePodcast(user.viewer);
    const episode = await makeEpisode(user.viewer, podcast.id);

    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    const done = await waitFor(
      async () => {
        const p = await getProcessing(user.viewer, episode.id);
        return p && !["queued", "running"].includes(p.status) && p;
      },
      90_000,
      "processing to end",
    );
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");

    const after = await getEpisode(user.viewer, episode.id);
    const [out] = await db.select().from(tables.mediaFiles).where(eq(tables.mediaFiles.id, after.audioFileId!));
    expect(out!.storageKey).toMatch(/^out\//);
    const [source] = await db.select().from(tables.mediaFiles).where(eq(tables.mediaFiles.id, recording.id));
    // Both live in the bucket; the recording was fetched to the local cache for ffmpeg.
    expect((await s3.storage.stat(out!.storageKey))?.size).toBe(out!.sizeBytes);
    expect((await s3.storage.stat(source!.storageKey))?.size).toBe(source!.sizeBytes);
    expect(fs.statSync(path.join(s3.cacheDir, source!.storageKey)).size).toBe(source!.sizeBytes);
    // Nothing went to the local-disk store.
    expect(fs.existsSync(path.join(getEnv().dataDir, "media"))).toBe(false);
  }, 120_000);

  it("fetches the recording from the bucket again when this machine's copy is gone between steps", async () => {
    const user = await makeUser();
    const wav = path.join(dir, "again.wav");
    await writeSpeechLikeWav(wav, { seconds: 5, seed: 8, leadingSilence: 0.5, trailingSilence: 0.5 });
    const recording = await uploadFromPath(user.viewer, wav);
    const podcast = await makePodcast(user.viewer);
    const episode = await makeEpisode(user.viewer, podcast.id);
    lose.copyBeforeMeasuring = 1;
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    const done = await waitFor(
      async () => {
        const p = await getProcessing(user.viewer, episode.id);
        return p && !["queued", "running"].includes(p.status) && p;
      },
      90_000,
      "processing to end",
    );
    expect(lose.copyBeforeMeasuring).toBe(0);
    expect({ status: done.status, error: done.error }).toEqual({ status: "succeeded", error: null });
    expect((await getEpisode(user.viewer, episode.id)).audioFileId).toBe(done.outputFileId);
  }, 120_000);
});
