import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEpisode } from "@/lib/data/episodes";
import { openMediaFile } from "@/lib/data/media";
import { cancelProcessing, getProcessing, startProcessing, sweepWorkDirs, workDirFor } from "@/lib/data/processing";
import { startJobs } from "@/lib/jobs/start";
import { waitFor } from "@/lib/jobs/test-kit";
import { writeMusicWav, writeSpeechLikeWav } from "@/lib/media/test-signals";
import { getStorage } from "@/lib/storage";
import { makeEpisode, makePodcast, makeUser, uploadFromPath } from "@/tests/factories";
import type { Viewer } from "@/lib/auth/viewer";

/**
 * The whole mastering path, as a user drives it: upload, start processing, the embedded executor
 * runs the durable function, the episode gets its new audio. The output is checked with ffmpeg's
 * own ebur128 meter, not with anything the pipeline reports.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-process-"));
let executor: Awaited<ReturnType<typeof startJobs>>;

const upload = uploadFromPath;


function measure(file: string) {
  const out = execFileSync(
    "bash",
    ["-c", `"${ffmpegInstaller.path}" -hide_banner -nostats -i "${file}" -af ebur128=peak=true -f null - 2>&1 | tail -n 14`],
    { encoding: "utf8" },
  );
  const num = (re: RegExp) => Number(re.exec(out)?.[1]);
  return { integrated: num(/I:\s+(-?[\d.]+) LUFS/), truePeak: num(/Peak:\s+(-?[\d.]+) dBFS/) };
}

async function waitForEnd(viewer: Viewer, episodeId: string, timeoutMs = 90_000) {
  return waitFor(
    async () => {
      const p = await getProcessing(viewer, episodeId);
      return p && !["queued", "running"].includes(p.status) && p;
    },
    timeoutMs,
    "processing to end",
  ).catch(async (err) => {
    const { db, tables } = await import("@/db");
    (err as Error).message += " " + JSON.stringify({ runs: await db.select().from(tables.jobRuns), attempts: await db.select().from(tables.jobAttempts), processing: await db.select().from(tables.episodeProcessing) }).slice(0, 6000);
    throw err;
  });
}

beforeAll(async () => {
  executor = await startJobs();
});

afterAll(async () => {
  await executor?.stop({ timeoutMs: 5000 });
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("process-episode", () => {
  it("masters a recording with intro and outro to −16 LUFS, tags it and makes it the episode's audio", async () => {
    const user = await makeUser();
    const speech = path.join(dir, "speech.wav");
    await writeSpeechLikeWav(speech, { seconds: 20, seed: 7, leadingSilence: 2, trailingSilence: 3 });
    const introWav = path.join(dir, "intro.wav");
    const outroWav = path.join(dir, "outro.wav");
    await writeMusicWav(introWav, { seconds: 4, seed: 1 });
    await writeMusicWav(outroWav, { seconds: 5, seed: 2, rootHz: 196 });
    const [recording, intro, outro] = [await upload(user.viewer, speech), await upload(user.viewer, introWav), await upload(user.viewer, outroWav)];
    const podcast = await makePodcast(user.viewer, { title: "Loud Enough", author: "Ada" });
    const episode = await makeEpisode(user.viewer, podcast.id, { title: "Levels", episodeNumber: 3 });

    const queued = await startProcessing(user.viewer, episode.id, {
      audioFileId: recording.id,
      introFileId: intro.id,
      outroFileId: outro.id,
      options: { crossfadeSeconds: 1, trimSilence: true },
    });
    expect(queued.status).toBe("queued");
    expect((await getEpisode(user.viewer, episode.id)).status).toBe("processing");

    const done = await waitForEnd(user.viewer, episode.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    const after = await getEpisode(user.viewer, episode.id);
    expect(after).toMatchObject({ status: "ready", audioFileId: done.outputFileId, guid: episode.guid });

    const file = await openMediaFile(user.viewer, after.audioFileId!);
    const mp3 = await getStorage().localPath(await fileKey(after.audioFileId!));
    expect(file.contentType).toBe("audio/mpeg");
    expect(after.sizeBytes).toBe(fs.statSync(mp3).size);

    const level = measure(mp3);
    expect(Math.abs(level.integrated - -16)).toBeLessThanOrEqual(1);
    expect(level.truePeak).toBeLessThanOrEqual(-1);

    const stats = done.stats as { silenceRemovedSeconds: number; sourceDurationSeconds: number; durationSeconds: number };
    // intro + trimmed main + outro − two crossfades
    const expected = 4 + (stats.sourceDurationSeconds - stats.silenceRemovedSeconds) + 5 - 2 * 1;
    expect(stats.silenceRemovedSeconds).toBeGreaterThan(2);
    expect(Math.abs(after.durationSeconds! - expected)).toBeLessThanOrEqual(1);

    const { parseFile } = await import("music-metadata");
    const tags = await parseFile(mp3);
    expect(tags.common).toMatchObject({ title: "Levels", album: "Loud Enough", artist: "Ada" });
    expect(tags.common.track.no).toBe(3);
    expect(fs.existsSync(workDirFor(done.id))).toBe(false);
  }, 120_000);

  it("fails with a readable reason when the recording does not decode, keeping the previous audio", async () => {
    const user = await makeUser();
    const good = path.join(dir, "good.wav");
    await writeSpeechLikeWav(good, { seconds: 6, seed: 3, leadingSilence: 0.5, trailingSilence: 0.5 });
    const recording = await upload(user.viewer, good);
    const podcast = await makePodcast(user.viewer);
    const episode = await makeEpisode(user.viewer, podcast.id);
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    expect((await waitForEnd(user.viewer, episode.id)).status).toBe("succeeded");
    const firstAudio = (await getEpisode(user.viewer, episode.id)).audioFileId;

    // The stored recording is damaged after upload (disk fault, tampering): processing must fail cleanly.
    const stored = await getStorage().localPath(await fileKey(recording.id));
    const bytes = fs.readFileSync(stored);
    fs.writeFileSync(stored, Buffer.concat([bytes.subarray(0, 44), Buffer.alloc(bytes.length - 44, 0x7f)]).subarray(0, 20));
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    const failed = await waitForEnd(user.viewer, episode.id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/\w/);
    expect(failed.error).not.toMatch(/ffmpeg|\/tmp\/|Error:/);
    const after = await getEpisode(user.viewer, episode.id);
    expect(after).toMatchObject({ audioFileId: firstAudio, status: "ready" });
  }, 120_000);

  it("cancels a running processing and cleans its work folder", async () => {
    const user = await makeUser();
    const long = path.join(dir, "long.wav");
    await writeSpeechLikeWav(long, { seconds: 240, seed: 11 });
    const recording = await upload(user.viewer, long);
    const podcast = await makePodcast(user.viewer);
    const episode = await makeEpisode(user.viewer, podcast.id);
    const started = await startProcessing(user.viewer, episode.id, { audioFileId: recording.id, options: { noiseReduction: true } });
    await waitFor(async () => (await getProcessing(user.viewer, episode.id))?.status === "running", 30_000, "processing to start");
    const cancelled = await cancelProcessing(user.viewer, episode.id);
    expect(cancelled.status).toBe("cancelled");
    await expect(startProcessing(user.viewer, episode.id, { audioFileId: recording.id })).resolves.toMatchObject({ status: "queued" });
    await cancelProcessing(user.viewer, episode.id);
    expect((await getEpisode(user.viewer, episode.id)).status).toBe("draft");
    await waitFor(async () => (await sweepWorkDirs()) >= 0 && !fs.existsSync(workDirFor(started.id)), 30_000, "work folder removed");
  }, 120_000);
});

async function fileKey(fileId: string) {
  const { db, tables } = await import("@/db");
  const { eq } = await import("drizzle-orm");
  const [row] = await db.select({ key: tables.mediaFiles.storageKey }).from(tables.mediaFiles).where(eq(tables.mediaFiles.id, fileId));
  return row!.key;
}
