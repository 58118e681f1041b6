import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import type { Viewer } from "@/lib/auth/viewer";
import { getEpisode } from "@/lib/data/episodes";
import { DISK_FULL_REASON, getProcessing, startProcessing, workDirFor } from "@/lib/data/processing";
import { getEnv } from "@/lib/env";
import { startJobs } from "@/lib/jobs/start";
import { waitFor } from "@/lib/jobs/test-kit";
import { writeSpeechLikeWav } from "@/lib/media/test-signals";
import { setStorageForTests, type Storage } from "@/lib/storage";
import { makeEpisode, makePodcast, makeUser, uploadFromPath } from "@/tests/factories";

/**
 * A full disk while the master is stored: the storage's write fails with ENOSPC after writing
 * half the file. The run must fail at once with a reason a podcaster understands, the episode
 * must keep its previous audio, and no partial file may stay in storage or scratch space.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-diskfull-"));
let executor: Awaited<ReturnType<typeof startJobs>>;

beforeAll(async () => {
  executor = await startJobs();
});

afterAll(async () => {
  setStorageForTests(undefined);
  await executor?.stop({ timeoutMs: 5000 });
  fs.rmSync(dir, { recursive: true, force: true });
});

const upload = uploadFromPath;

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

function filesUnder(sub: string): string[] {
  const walk = (d: string): string[] =>
    fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)])) : [];
  return walk(path.join(getEnv().dataDir, sub)).sort();
}

/** A storage whose writes of processed output run out of space half-way. */
function diskFullStorage(real: Storage): Storage {
  return {
    async putFile(key, localPath, opts) {
      if (!key.startsWith("out/")) return real.putFile(key, localPath, opts);
      // Half the bytes land in storage before the disk is full.
      const data = await fsp.readFile(localPath);
      await fsp.writeFile(`${localPath}.half`, data.subarray(0, data.length >> 1));
      await real.putFile(key, `${localPath}.half`, opts);
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28 });
    },
    createReadStream: (key, range) => real.createReadStream(key, range),
    stat: (key) => real.stat(key),
    localPath: (key) => real.localPath(key),
    delete: (key) => real.delete(key),
  };
}

describe("a full disk while storing the result", () => {
  it("fails the run with a clear reason, keeps the previous audio and leaves no partial file", async () => {
    const user = await makeUser();
    const wav = path.join(dir, "speech.wav");
    await writeSpeechLikeWav(wav, { seconds: 8, seed: 5, leadingSilence: 0.5, trailingSilence: 0.5 });
    const recording = await upload(user.viewer, wav);
    const podcast = await makePodcast(user.viewer);
    const episode = await makeEpisode(user.viewer, podcast.id);
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    expect((await waitForEnd(user.viewer, episode.id)).status).toBe("succeeded");
    const before = await getEpisode(user.viewer, episode.id);
    const storedBefore = filesUnder("media");
    const rowsBefore = await db.select({ id: tables.mediaFiles.id }).from(tables.mediaFiles);

    setStorageForTests(diskFullStorage);
    try {
      // Different options, so the new master differs from the stored one.
      const run = await startProcessing(user.viewer, episode.id, { audioFileId: recording.id, options: { loudness: "podcast-mono" } });
      const failed = await waitForEnd(user.viewer, episode.id);
      expect(failed.status).toBe("failed");
      expect(failed.error).toBe(DISK_FULL_REASON);
      expect(failed.error).toMatch(/^The server ran out of disk space/);
      const after = await getEpisode(user.viewer, episode.id);
      expect(after).toMatchObject({ audioFileId: before.audioFileId, sizeBytes: before.sizeBytes, status: "ready" });
      expect(filesUnder("media")).toEqual(storedBefore);
      expect(await db.select({ id: tables.mediaFiles.id }).from(tables.mediaFiles)).toHaveLength(rowsBefore.length);
      await waitFor(async () => !fs.existsSync(workDirFor(run.id)), 10_000, "the work folder to be removed");
    } finally {
      setStorageForTests(undefined);
    }
  }, 120_000);
});
