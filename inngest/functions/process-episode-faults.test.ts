import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db, tables } from "@/db";
import type { Viewer } from "@/lib/auth/viewer";
import { getEpisode } from "@/lib/data/episodes";
import { getProcessing, startProcessing, workDirFor } from "@/lib/data/processing";
import { getEnv } from "@/lib/env";
import { startJobs } from "@/lib/jobs/start";
import { waitFor } from "@/lib/jobs/test-kit";
import { writeSpeechLikeWav } from "@/lib/media/test-signals";
import { getStorage, setStorageForTests, type Storage } from "@/lib/storage";
import { makeEpisode, makePodcast, makeUser, uploadFromPath } from "@/tests/factories";

/**
 * Faults inside the server while an episode is processed, injected through the executor end to
 * end: a storage call that fails after doing its work (the run retries and succeeds), a stored
 * master or a recording that goes missing between steps (the run fails, and the podcaster reads
 * that the server failed, never that their recording is bad).
 */

// Fault injection: when armed, the recording handed to the loudness measurement disappears
// just before ffmpeg reads it (a disk fault, a cache pruned, another instance's disk).
const lose = vi.hoisted(() => ({ recordingBeforeMeasuring: 0 }));
vi.mock("@/lib/media", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/media")>();
  return {
    ...real,
    measureRecording: async (file: string, opts: Parameters<typeof real.measureRecording>[1]) => {
      if (lose.recordingBeforeMeasuring > 0) {
        lose.recordingBeforeMeasuring--;
        await fsp.rm(file, { force: true });
      }
      return real.measureRecording(file, opts);
    },
    analyseRecording: async (file: string, opts: Parameters<typeof real.analyseRecording>[1]) => {
      if (lose.recordingBeforeMeasuring > 0) {
        lose.recordingBeforeMeasuring--;
        await fsp.rm(file, { force: true });
      }
      return real.analyseRecording(file, opts);
    },
  };
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-faults-"));
let executor: Awaited<ReturnType<typeof startJobs>>;

beforeAll(async () => {
  executor = await startJobs();
});

afterEach(() => {
  setStorageForTests(undefined);
  lose.recordingBeforeMeasuring = 0;
});

afterAll(async () => {
  await executor?.stop({ timeoutMs: 5000 });
  fs.rmSync(dir, { recursive: true, force: true });
});

async function waitForEnd(viewer: Viewer, episodeId: string) {
  return waitFor(
    async () => {
      const p = await getProcessing(viewer, episodeId);
      return p && !["queued", "running"].includes(p.status) && p;
    },
    90_000,
    "processing to end",
  );
}

async function episodeWithRecording(seed: number) {
  const user = await makeUser();
  const wav = path.join(dir, `speech-${seed}.wav`);
  await writeSpeechLikeWav(wav, { seconds: 5, seed, leadingSilence: 0.5, trailingSilence: 0.5 });
  const recording = await uploadFromPath(user.viewer, wav);
  const podcast = await makePodcast(user.viewer);
  const episode = await makeEpisode(user.viewer, podcast.id);
  return { user, recording, episode };
}

/** Objects under out/ in local storage that no file of any library points at. */
async function strayOutputs(): Promise<string[]> {
  const mediaRoot = path.join(getEnv().dataDir, "media");
  const outRoot = path.join(mediaRoot, "out");
  const known = new Set((await db.select({ key: tables.mediaFiles.storageKey }).from(tables.mediaFiles)).map((r) => r.key));
  const files = fs.existsSync(outRoot)
    ? fs.readdirSync(outRoot, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.relative(mediaRoot, path.join(e.parentPath, e.name)))
    : [];
  return files.filter((k) => !known.has(k));
}

/** A storage whose writes of processed output do their work, then `after` runs (and may throw). */
function afterOutputWrite(after: (real: Storage, key: string) => Promise<void>) {
  return (real: Storage): Storage => ({
    async putFile(key, localPath, opts) {
      await real.putFile(key, localPath, opts);
      if (key.startsWith("out/")) await after(real, key);
    },
    createReadStream: (key, range) => real.createReadStream(key, range),
    stat: (key) => real.stat(key),
    localPath: (key) => real.localPath(key),
    delete: (key) => real.delete(key),
  });
}

const SERVER_SIDE = /on our side|the server/i;
const BLAMES_THE_FILE = /could not be decoded|damaged|is not audio|not supported/i;

describe("faults while processing", () => {
  it("retries a failure right after the master was stored, and the run succeeds", async () => {
    const { user, recording, episode } = await episodeWithRecording(31);
    let failures = 1;
    setStorageForTests(
      afterOutputWrite(async () => {
        // The bytes arrived, but the answer was lost (a connection reset): the step must be safe to run again.
        if (failures-- > 0) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      }),
    );
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    const done = await waitForEnd(user.viewer, episode.id);
    expect({ status: done.status, error: done.error }).toEqual({ status: "succeeded", error: null });
    // Written again on the retry: the Opus rendition (first), then the master.
    expect(failures).toBe(-2);
    const after = await getEpisode(user.viewer, episode.id);
    expect(after).toMatchObject({ status: "ready", audioFileId: done.outputFileId, opusFileId: done.opusFileId });
    const [file] = await db.select().from(tables.mediaFiles).where((await import("drizzle-orm")).eq(tables.mediaFiles.id, done.outputFileId!));
    expect((await getStorage().stat(file!.storageKey))?.size).toBe(file!.sizeBytes);
    expect(after.sizeBytes).toBe(file!.sizeBytes);
    expect(await strayOutputs()).toEqual([]);
    expect(fs.existsSync(workDirFor(done.id))).toBe(false);
  }, 120_000);

  it("retries a failure in the storing step after its commit, and the run succeeds without leaving a copy", async () => {
    const { user, recording, episode } = await episodeWithRecording(32);
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    const first = await waitForEnd(user.viewer, episode.id);
    expect(first.status).toBe("succeeded");
    // Processed again with the same settings: the same master, so the new copy is removed after
    // the commit — and that removal fails once.
    let failures = 1;
    setStorageForTests((real) => ({
      ...afterOutputWrite(async () => undefined)(real),
      async delete(key) {
        if (key.startsWith("out/") && failures-- > 0) throw Object.assign(new Error("connect ETIMEDOUT"), { code: "ETIMEDOUT" });
        await real.delete(key);
      },
    }));
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    const again = await waitForEnd(user.viewer, episode.id);
    expect({ status: again.status, error: again.error }).toEqual({ status: "succeeded", error: null });
    // The episode shows success at the commit; the run ends once the retried step has cleaned up.
    const { eq } = await import("drizzle-orm");
    const run = await waitFor(
      async () => {
        const [r] = await db.select().from(tables.jobRuns).where(eq(tables.jobRuns.id, again.runId!));
        return r && !["running", "queued", "retrying"].includes(r.status) && r;
      },
      30_000,
      "the run to end",
    );
    expect(run.status).toBe("completed");
    // The retry removes both copies: the master's and the Opus rendition's.
    expect(failures).toBe(-2);
    expect(again.outputFileId).toBe(first.outputFileId);
    // The Opus rendition is bit-exact too: the same file again, nothing superseded.
    expect(again.opusFileId).toBe(first.opusFileId);
    expect(await getEpisode(user.viewer, episode.id)).toMatchObject({ status: "ready", audioFileId: first.outputFileId });
    expect(await strayOutputs()).toEqual([]);
  }, 120_000);

  it("fails as the server's fault when the stored master goes missing before it is recorded", async () => {
    const { user, recording, episode } = await episodeWithRecording(33);
    setStorageForTests(afterOutputWrite((real, key) => real.delete(key)));
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    const failed = await waitForEnd(user.viewer, episode.id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(SERVER_SIDE);
    expect(failed.error).not.toMatch(BLAMES_THE_FILE);
    const after = await getEpisode(user.viewer, episode.id);
    expect(after.audioFileId).toBeNull();
    expect(await strayOutputs()).toEqual([]);
    await waitFor(async () => !fs.existsSync(workDirFor(failed.id)), 10_000, "the work folder to be removed");
  }, 120_000);

  it("fails as the server's fault, not as an undecodable recording, when the recording goes missing between steps", async () => {
    const { user, recording, episode } = await episodeWithRecording(35);
    lose.recordingBeforeMeasuring = 1;
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    const failed = await waitForEnd(user.viewer, episode.id);
    expect(lose.recordingBeforeMeasuring).toBe(0);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(SERVER_SIDE);
    expect(failed.error).not.toMatch(BLAMES_THE_FILE);
    expect((await getEpisode(user.viewer, episode.id)).audioFileId).toBeNull();
  }, 120_000);
});
