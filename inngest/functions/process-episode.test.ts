import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import ffprobeInstaller from "@ffprobe-installer/ffprobe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEpisode } from "@/lib/data/episodes";
import { openMediaFile } from "@/lib/data/media";
import { cancelProcessing, getProcessing, opusKeyFor, startProcessing, sweepWorkDirs, workDirFor } from "@/lib/data/processing";
import { startJobs } from "@/lib/jobs/start";
import { waitFor } from "@/lib/jobs/test-kit";
import { listenerFigures } from "@/lib/media/listener-meter";
import { writeMusicWav, writeSpeakerTurnsWav, writeSpeechLikeWav } from "@/lib/media/test-signals";
import { getStorage } from "@/lib/storage";
import { makeEpisode, makePodcast, makeUser, uploadFromPath } from "@/tests/factories";
import type { Viewer } from "@/lib/auth/viewer";
import { createApiTokenForViewer } from "@/lib/data/tokens";
import { getEnv } from "@/lib/env";
import { call } from "@/tests/api-client";
import * as processRoute from "@/app/api/v1/episodes/[id]/process/route";
import * as episodeRoute from "@/app/api/v1/episodes/[id]/route";

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

/** The first audio stream and the container as ffprobe sees them. */
function probe(file: string): { codec_name: string; sample_rate: string; channels: number; duration: number } {
  const out = execFileSync(ffprobeInstaller.path, ["-v", "error", "-show_streams", "-show_format", "-select_streams", "a:0", "-of", "json", file], { encoding: "utf8" });
  const j = JSON.parse(out) as { streams: Record<string, string | number>[]; format: { duration: string } };
  const st = j.streams[0]!;
  return { codec_name: String(st.codec_name), sample_rate: String(st.sample_rate), channels: Number(st.channels), duration: Number(j.format.duration) };
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

    // The Opus rendition (on by default): same programme, Ogg Opus at 48 kHz, as loud as the MP3.
    expect(after.opusFileId).toBe(done.opusFileId);
    const opus = await getStorage().localPath(await fileKey(after.opusFileId!));
    expect(probe(opus)).toMatchObject({ codec_name: "opus", sample_rate: "48000", channels: 2 });
    expect(Math.abs(measure(opus).integrated - level.integrated)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(probe(opus).duration - after.durationSeconds!)).toBeLessThanOrEqual(1);
    expect((done.stats as { opus: { bitrateKbps: number } }).opus.bitrateKbps).toBe(64);
  }, 120_000);

  it("writes no Opus rendition when the podcast turns renditions off", async () => {
    const user = await makeUser();
    const wav = path.join(dir, "short.wav");
    await writeSpeechLikeWav(wav, { seconds: 6, seed: 9, channels: 1, leadingSilence: 0.5, trailingSilence: 0.5 });
    const recording = await upload(user.viewer, wav);
    const podcast = await makePodcast(user.viewer, { opusRendition: false });
    const episode = await makeEpisode(user.viewer, podcast.id);
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    const done = await waitForEnd(user.viewer, episode.id);
    expect(done.status).toBe("succeeded");
    expect(done.opusFileId).toBeNull();
    expect((await getEpisode(user.viewer, episode.id)).opusFileId).toBeNull();
    expect(await getStorage().stat(opusKeyFor(done.id))).toBeNull();
  }, 120_000);

  it("levels quiet, mid and loud speakers to one loudness on target in one encode, and reports it (issue 11)", async () => {
    const user = await makeUser();
    const wav = path.join(dir, "conversation.wav");
    const truth = await writeSpeakerTurnsWav(wav, { seconds: 60, seed: 21 });
    const recording = await upload(user.viewer, wav);
    const podcast = await makePodcast(user.viewer);
    const episode = await makeEpisode(user.viewer, podcast.id);
    // Trimming off keeps the input's timeline, so each speaker turn can be found in the output.
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id, options: { trimSilence: false, shortenPauses: false } });
    const done = await waitForEnd(user.viewer, episode.id);
    expect(done.error).toBeNull();
    const after = await getEpisode(user.viewer, episode.id);
    const mp3 = await getStorage().localPath(await fileKey(after.audioFileId!));

    const l = listenerFigures(wav, mp3, truth);
    expect(Math.abs(l.output.integrated - -16)).toBeLessThanOrEqual(0.5);
    // The leveler pre-compensates the MP3 codec's loss; the Opus rendition still matches the MP3.
    const opus = await getStorage().localPath(await fileKey(after.opusFileId!));
    expect(probe(opus)).toMatchObject({ codec_name: "opus", sample_rate: "48000" });
    expect(Math.abs(measure(opus).integrated - measure(mp3).integrated)).toBeLessThanOrEqual(0.5);
    expect(l.output.truePeak).toBeLessThanOrEqual(-1);
    expect(l.output.lra).toBeLessThanOrEqual(6);
    expect(l.input.spreadLu).toBeGreaterThan(14);
    expect(l.output.spreadLu).toBeLessThanOrEqual(4);
    expect(l.worstTurnLu).toBeLessThanOrEqual(3);
    for (const offset of l.speakerOffsetLu) expect(offset).toBeLessThanOrEqual(2);
    expect(l.pauseNoiseRiseBeyondSpeechDb).toBeLessThanOrEqual(6);

    const stats = done.stats as {
      encodes: number;
      normalisation: { mode: string };
      leveler: { applied: boolean; speechSpreadLu: { before: number; after: number }; largestGainDb: number; chart: { before: unknown[]; after: unknown[]; pauses: string } };
    };
    expect(stats.encodes).toBe(1);
    expect(stats.normalisation.mode).toBe("levelled");
    expect(stats.leveler.applied).toBe(true);
    expect(stats.leveler.speechSpreadLu.before).toBeGreaterThan(10);
    expect(stats.leveler.speechSpreadLu.after).toBeLessThanOrEqual(4);
    // The quiet guest was lifted: by well over 10 dB.
    expect(stats.leveler.largestGainDb).toBeGreaterThan(10);
    expect(stats.leveler.chart.before.length).toBeLessThanOrEqual(1000);
    expect(stats.leveler.chart.pauses).toMatch(/1/);
  }, 120_000);

  it("still processes a recording with nothing to level (all music), saying why the leveler stepped aside", async () => {
    const user = await makeUser();
    const wav = path.join(dir, "music.wav");
    await writeMusicWav(wav, { seconds: 12, seed: 4 });
    const recording = await upload(user.viewer, wav);
    const podcast = await makePodcast(user.viewer);
    const episode = await makeEpisode(user.viewer, podcast.id);
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    const done = await waitForEnd(user.viewer, episode.id);
    expect(done.status).toBe("succeeded");
    const stats = done.stats as { leveler: { applied: boolean; reason: string }; normalisation: { mode: string } };
    expect(stats.leveler).toMatchObject({ applied: false, reason: expect.stringMatching(/no pauses/) });
    expect(stats.normalisation.mode).not.toBe("levelled");
    const mp3 = await getStorage().localPath(await fileKey((await getEpisode(user.viewer, episode.id)).audioFileId!));
    expect(Math.abs(measure(mp3).integrated - -16)).toBeLessThanOrEqual(1);
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

describe("processing again", () => {
  it("processes the same episode twice with the same recording and settings through the API", async () => {
    const user = await makeUser();
    const { token } = await createApiTokenForViewer(user.viewer, { name: "test", expiresInDays: 1 });
    const wav = path.join(dir, "again.wav");
    await writeSpeechLikeWav(wav, { seconds: 6, seed: 21, leadingSilence: 0.5, trailingSilence: 0.5 });
    const recording = await upload(user.viewer, wav);
    const podcast = await makePodcast(user.viewer);
    const episode = await makeEpisode(user.viewer, podcast.id);
    const params = { id: episode.id };
    const body = { audioFileId: recording.id, options: { trimSilence: true } };

    const outputs: string[] = [];
    const renditions: string[] = [];
    for (const round of [1, 2]) {
      const started = await call(processRoute.POST, { method: "POST", token, params, json: body });
      expect(started.status, `round ${round}: ${JSON.stringify(started.body)}`).toBe(202);
      const done = await waitForEnd(user.viewer, episode.id);
      expect({ round, status: done.status, error: done.error }).toEqual({ round, status: "succeeded", error: null });
      const shown = await call(episodeRoute.GET, { token, params });
      expect(shown.body).toMatchObject({ status: "ready", audioFileId: done.outputFileId });
      outputs.push(done.outputFileId!);
      renditions.push(done.opusFileId!);
      expect(fs.existsSync(workDirFor(done.id))).toBe(false);
    }
    // The same master both times: the second run reuses the stored file and leaves no copy behind;
    // so does the (bit-exact) Opus rendition.
    expect(outputs[1]).toBe(outputs[0]);
    expect(renditions[1]).toBe(renditions[0]);
    await waitForRunEnd((await getProcessing(user.viewer, episode.id))!.runId!);
    const key = await fileKey(outputs[0]!);
    expect((await getStorage().stat(key))?.size).toBeGreaterThan(1000);
    expect((await storedOutputsOf(user.viewer.userId)).sort()).toEqual([key, await fileKey(renditions[0]!)].sort());
    // Nothing in storage that no file of any library points at (no leaked intermediates).
    const mediaRoot = path.join(getEnv().dataDir, "media");
    const known = new Set(await allStorageKeys());
    expect(listFiles(path.join(mediaRoot, "out")).map((f) => path.relative(mediaRoot, f)).filter((k) => !known.has(k))).toEqual([]);
  }, 180_000);

  it("hands storage keys and small JSON between steps, never paths on this machine's disk", async () => {
    const user = await makeUser();
    const wav = path.join(dir, "keys.wav");
    await writeSpeechLikeWav(wav, { seconds: 5, seed: 23, leadingSilence: 0.5, trailingSilence: 0.5 });
    const recording = await upload(user.viewer, wav);
    const podcast = await makePodcast(user.viewer);
    const episode = await makeEpisode(user.viewer, podcast.id);
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    expect((await waitForEnd(user.viewer, episode.id)).status).toBe("succeeded");

    const { db, tables } = await import("@/db");
    const { eq } = await import("drizzle-orm");
    const [jobRun] = await db.select().from(tables.jobRuns).where(eq(tables.jobRuns.id, (await getProcessing(user.viewer, episode.id))!.runId!));
    expect(jobRun).toBeDefined();
    const steps = await db.select().from(tables.jobSteps).where(eq(tables.jobSteps.runId, jobRun!.id));
    expect(steps.map((s) => s.name)).toEqual(expect.arrayContaining(["inspect inputs", "measure loudness", "clean up, master and encode"]));
    const handedOver = JSON.stringify(steps.map((s) => s.result));
    expect(handedOver).not.toContain(getEnv().dataDir);
    expect(handedOver).not.toContain(os.tmpdir());
    expect(handedOver).not.toMatch(/"[^"]*(Path|path)"\s*:/);
  }, 120_000);
});

/** The episode shows success at the commit; the run itself ends after the step's clean-up. */
async function waitForRunEnd(runId: string) {
  const { db, tables } = await import("@/db");
  const { eq } = await import("drizzle-orm");
  const run = await waitFor(
    async () => {
      const [r] = await db.select().from(tables.jobRuns).where(eq(tables.jobRuns.id, runId));
      return r && !["running", "queued"].includes(r.status) && r;
    },
    30_000,
    "the run to end",
  );
  expect(run.status).toBe("completed");
}

function listFiles(d: string): string[] {
  return fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)) : [];
}

/** Storage keys of the processed files in a user's library. */
async function storedOutputsOf(userId: string) {
  const { db, tables } = await import("@/db");
  const { and, eq, like } = await import("drizzle-orm");
  const rows = await db
    .select({ key: tables.mediaFiles.storageKey })
    .from(tables.mediaFiles)
    .where(and(eq(tables.mediaFiles.ownerId, userId), like(tables.mediaFiles.storageKey, "out/%")));
  return rows.map((r) => r.key);
}

async function allStorageKeys() {
  const { db, tables } = await import("@/db");
  return (await db.select({ key: tables.mediaFiles.storageKey }).from(tables.mediaFiles)).map((r) => r.key);
}

async function fileKey(fileId: string) {
  const { db, tables } = await import("@/db");
  const { eq } = await import("drizzle-orm");
  const [row] = await db.select({ key: tables.mediaFiles.storageKey }).from(tables.mediaFiles).where(eq(tables.mediaFiles.id, fileId));
  return row!.key;
}
