import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseFile } from "music-metadata";
import { resetEnvForTests } from "@/lib/env";
import { ffmpegPaths, resetFfmpegPathsForTests, runTool } from "./ffmpeg";
import { MediaError } from "./errors";
import { inspectMedia } from "./inspect";
import { measureLoudness } from "./loudness";
import { measureRecording } from "./clean-up";
import { masterEpisode } from "./master";
import { computeWaveform, type WaveformJson } from "./waveform";
import { writeMusicWav, writeSpeechLikeWav, type SpeechSignalTruth } from "./test-signals";

/*
 * The media layer against the real ffmpeg. Every fixture is generated here, deterministically,
 * into a temp dir (nothing committed); outputs are checked independently with ebur128 and a tag
 * reader. Kept short (a 24 s recording) because this file runs once per database project.
 */

let dir: string;
let truth: SpeechSignalTruth;
const f = (name: string) => path.join(dir, name);

function ffmpeg(...args: string[]) {
  execFileSync(ffmpegPaths().ffmpeg, ["-hide_banner", "-nostdin", "-v", "error", "-y", ...args]);
}

/** The first audio stream as ffprobe sees it (independent of our own inspect code). */
function probeAudio(file: string): { codec_name: string; sample_rate: string; channels: number; format: string; bitRate: number; duration: number } {
  const out = execFileSync(ffmpegPaths().ffprobe, ["-v", "error", "-show_streams", "-show_format", "-select_streams", "a:0", "-of", "json", file], { encoding: "utf8" });
  const j = JSON.parse(out) as { streams: Record<string, string | number>[]; format: Record<string, string> };
  const s = j.streams[0]!;
  return {
    codec_name: String(s.codec_name),
    sample_rate: String(s.sample_rate),
    channels: Number(s.channels),
    format: j.format.format_name!,
    bitRate: Number(j.format.bit_rate),
    duration: Number(j.format.duration),
  };
}

/** Independent measurement: ebur128 with true peak, straight from ffmpeg's summary. */
function ebur128Summary(file: string): { i: number; tp: number } {
  const r = spawnSync(
    ffmpegPaths().ffmpeg,
    ["-hide_banner", "-nostdin", "-nostats", "-i", file, "-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"],
    { encoding: "utf8" },
  );
  const s = r.stderr.slice(r.stderr.lastIndexOf("Summary:"));
  return { i: Number(/I:\s+(-?[\d.]+) LUFS/.exec(s)![1]), tp: Number(/Peak:\s+(-?[\d.]+) dBFS/.exec(s)![1]) };
}

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), "pp-media-test-"));
  truth = await writeSpeechLikeWav(f("speech.wav"), { seconds: 24, channels: 2, seed: 11, leadingSilence: 1.5, trailingSilence: 2, longPauseEvery: 3, gain: 0.5 });
  await writeMusicWav(f("intro.wav"), { seconds: 5, seed: 2 });
  await writeMusicWav(f("outro.wav"), { seconds: 5, seed: 3, rootHz: 196 });
  await writeSpeechLikeWav(f("clip.wav"), { seconds: 3, channels: 1, seed: 5, leadingSilence: 0.2, trailingSilence: 0.2 });
  ffmpeg("-f", "lavfi", "-i", "color=c=red:s=300x300", "-frames:v", "1", f("cover.png"));
  ffmpeg("-f", "lavfi", "-i", "color=c=blue:s=320x240", "-frames:v", "1", f("cover.jpg"));
  // Good files in every accepted format, from the same clip.
  ffmpeg("-i", f("clip.wav"), "-c:a", "libmp3lame", "-b:a", "96k", f("clip.mp3"));
  ffmpeg("-i", f("clip.wav"), "-c:a", "aac", f("clip.m4a"));
  ffmpeg("-i", f("clip.wav"), f("clip.flac"));
  ffmpeg("-i", f("clip.wav"), "-c:a", "libopus", f("clip.opus"));
  ffmpeg("-i", f("clip.wav"), f("clip.aiff"));
  // Bad files.
  const mp3 = await fsp.readFile(f("clip.mp3"));
  await fsp.writeFile(f("truncated.mp3"), mp3.subarray(0, Math.floor(mp3.length / 3)));
  const wav = await fsp.readFile(f("speech.wav"));
  await fsp.writeFile(f("truncated.wav"), wav.subarray(0, Math.floor(wav.length / 4)));
  let seed = 7;
  await fsp.writeFile(f("random.mp3"), Buffer.from(Array.from({ length: 64_000 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24)));
  await fsp.writeFile(f("zero-bytes.wav"), Buffer.alloc(0));
  await fsp.writeFile(f("playlist.mp3"), `#EXTM3U\n#EXTINF:10,\nfile://${f("clip.wav")}\nhttp://127.0.0.1:9/x.mp3\n`);
  await fsp.writeFile(f("concat.wav"), `ffconcat version 1.0\nfile '${f("clip.wav")}'\n`);
  await fsp.copyFile(f("cover.png"), f("image-renamed.wav"));
  ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "0", "-c:a", "pcm_s16le", f("zero-length.wav"));
  ffmpeg("-f", "lavfi", "-i", "testsrc=s=64x48:d=1", "-c:v", "mpeg4", f("video-only.mp4"));
  await fsp.writeFile(f("subs.srt"), "1\n00:00:00,000 --> 00:00:01,000\nhello\n");
  ffmpeg("-i", f("subs.srt"), "-c:s", "mov_text", "-f", "mp4", f("no-audio.m4a"));
});

afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe("ffmpegPaths", () => {
  it("finds both binaries and makes a non-executable one executable", async () => {
    const fake = f("fake-ffprobe");
    await fsp.writeFile(fake, "#!/bin/sh\n", { mode: 0o744 });
    await fsp.chmod(fake, 0o744);
    process.env.FFPROBE_PATH = fake;
    resetEnvForTests();
    resetFfmpegPathsForTests();
    try {
      expect(ffmpegPaths().ffprobe).toBe(fake);
      expect((await fsp.stat(fake)).mode & 0o111).toBe(0o111);
    } finally {
      delete process.env.FFPROBE_PATH;
      resetEnvForTests();
      resetFfmpegPathsForTests();
    }
    const { ffmpeg: ff, ffprobe } = ffmpegPaths();
    for (const bin of [ff, ffprobe]) expect(fs.statSync(bin).mode & 0o111).toBe(0o111);
  });
});

describe("inspectMedia", () => {
  it.each([
    ["speech.wav", "audio/wav", "pcm_s16le", 2, 24],
    ["clip.mp3", "audio/mpeg", "mp3", 1, 3],
    ["clip.m4a", "audio/mp4", "aac", 1, 3],
    ["clip.flac", "audio/flac", "flac", 1, 3],
    ["clip.opus", "audio/ogg; codecs=opus", "opus", 1, 3],
    ["clip.aiff", "audio/aiff", "pcm_s16be", 1, 3],
  ])("accepts %s as %s", async (name, mimeType, codec, channels, seconds) => {
    const info = await inspectMedia(f(name));
    expect(info).toMatchObject({ kind: "audio", mimeType, codec, channels });
    if (info.kind === "audio") expect(info.durationSeconds).toBeCloseTo(seconds, 0);
  });

  it("describes images by content, even under an audio name", async () => {
    expect(await inspectMedia(f("cover.png"))).toEqual({ kind: "image", mimeType: "image/png", width: 300, height: 300 });
    expect(await inspectMedia(f("cover.jpg"))).toEqual({ kind: "image", mimeType: "image/jpeg", width: 320, height: 240 });
    expect(await inspectMedia(f("image-renamed.wav"))).toMatchObject({ kind: "image", mimeType: "image/png" });
  });

  it.each([
    ["truncated.mp3", "corrupt", /incomplete/],
    ["truncated.wav", "corrupt", /incomplete/],
    ["random.mp3", "unsupported", /not a supported/],
    ["zero-bytes.wav", "empty", /empty/],
    ["zero-length.wav", "empty", /no sound|zero/],
    ["playlist.mp3", "unsupported", /not a supported/],
    ["concat.wav", "unsupported", /not a supported/],
    ["video-only.mp4", "unsupported", /Video files/],
    ["no-audio.m4a", "no_audio", /no audio/],
  ])("refuses %s (%s)", async (name, code, reason) => {
    const err = await inspectMedia(f(name)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe(code);
    expect((err as MediaError).reason).toMatch(reason);
  });
});

describe("process limits", () => {
  it("kills a process past its time limit, and on abort", async () => {
    const long = ["-hide_banner", "-nostdin", "-f", "lavfi", "-i", "sine=d=36000", "-f", "null", "-"];
    await expect(runTool("ffmpeg", long, { timeoutMs: 300 })).rejects.toMatchObject({ code: "timeout" });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    await expect(runTool("ffmpeg", long, { signal: ac.signal })).rejects.toMatchObject({ code: "cancelled" });
  });

  it("kills a process over its memory cap", async () => {
    // areverse keeps the whole input in memory: two hours of float samples is ~1.3 GB, so the
    // process is far past the cap long before it could finish, even on a busy machine.
    const args = ["-hide_banner", "-nostdin", "-f", "lavfi", "-i", "sine=d=7200", "-af", "areverse", "-f", "null", "-"];
    await expect(runTool("ffmpeg", args, { memoryLimitBytes: 40 * 1024 * 1024 })).rejects.toMatchObject({ code: "memory" });
  });
});

describe("mastering", () => {
  it("cleans, normalises, assembles, encodes, tags and verifies an episode", async () => {
    const info = await inspectMedia(f("speech.wav"));
    if (info.kind !== "audio") throw new Error("fixture");
    const measured = await measureRecording(f("speech.wav"), { channels: 2, durationSeconds: info.durationSeconds });
    expect(measured.loudness.integratedLufs).toBeGreaterThan(-30);
    expect(measured.loudness.lraLu).toBeGreaterThan(3); // loud and quiet passages
    const fractions: number[] = [];
    const out = f("out/episode.mp3");
    const chapters = [
      { startSeconds: 0, title: "Intro" },
      { startSeconds: 6, title: "Talk" },
    ];
    const result = await masterEpisode({
      recording: { path: f("speech.wav"), durationSeconds: info.durationSeconds, loudness: measured.loudness },
      channels: 2,
      intro: { path: f("intro.wav"), durationSeconds: 5 },
      outro: { path: f("outro.wav"), durationSeconds: 5 },
      crossfadeSeconds: 1,
      // A custom target and ceiling, loud enough that a few speech peaks need limiting.
      target: { integratedLufs: -15, truePeakDbtp: -1.5 },
      tags: {
        title: "Épisode 1",
        album: "Test Show",
        artist: "Ana",
        track: 1,
        year: 2025,
        comment: "Notes",
        cover: { mimeType: "image/png", data: await fsp.readFile(f("cover.png")) },
        chapters,
      },
      workDir: f("work"),
      outputPath: out,
      opus: { outputPath: f("out/episode.opus") },
      waveformPoints: 500,
      onProgress: (p) => fractions.push(p),
    });

    // Independent loudness check of the file on disk.
    const check = ebur128Summary(out);
    expect(Math.abs(check.i - -15)).toBeLessThanOrEqual(1);
    expect(check.tp).toBeLessThanOrEqual(-1.5);
    expect(result.output.integratedLufs).toBeCloseTo(check.i, 0);
    expect(result.normalisation.mode).toBe("limited"); // speech peaks: one gain, a few peaks limited

    // Silence: lead and trail trimmed to 0.3 s, each long pause to 1.5 s.
    const expectedRemoved =
      truth.leadingSilence - 0.3 + (truth.trailingSilence - 0.3) + truth.longPauses.reduce((s, p) => s + (p - 1.5), 0);
    expect(result.silenceRemovedSeconds).toBeGreaterThan(expectedRemoved - 1);
    expect(result.silenceRemovedSeconds).toBeLessThan(expectedRemoved + 1.5);
    // Duration = intro + trimmed main + outro − two crossfades (MP3 adds a frame or two of padding).
    const expected = 5 + result.mainDurationSeconds + 5 - 2;
    expect(Math.abs(result.durationSeconds - expected)).toBeLessThan(0.1);

    // Tags, cover and chapters read back by a tag library.
    const meta = await parseFile(out, { includeChapters: true });
    expect(meta.common).toMatchObject({ title: "Épisode 1", album: "Test Show", artist: "Ana", year: 2025, genre: ["Podcast"] });
    expect(meta.common.track.no).toBe(1);
    expect(meta.common.picture?.[0]?.format).toBe("image/png");
    expect(meta.format.chapters?.map((c) => c.title)).toEqual(["Intro", "Talk"]);
    expect(meta.format.codec).toMatch(/MPEG 1 Layer 3/);
    expect(meta.format.bitrate).toBe(128_000);
    expect(meta.format.numberOfChannels).toBe(2);
    expect(Math.abs((meta.format.duration ?? 0) - expected)).toBeLessThan(0.15);
    expect(result.sizeBytes).toBe((await fsp.stat(out)).size);

    // The Opus rendition: the same programme, Ogg Opus at 48 kHz, 64 kbps stereo, as loud as the MP3.
    const opus = probeAudio(f("out/episode.opus"));
    expect(opus).toMatchObject({ codec_name: "opus", sample_rate: "48000", channels: 2, format: "ogg" });
    expect(result.opus).toEqual({ outputPath: f("out/episode.opus"), bitrateKbps: 64, sizeBytes: (await fsp.stat(f("out/episode.opus"))).size });
    expect(Math.abs(opus.duration - expected)).toBeLessThan(0.15);
    expect(Math.abs(ebur128Summary(f("out/episode.opus")).i - check.i)).toBeLessThanOrEqual(0.5);
    expect((await parseFile(f("out/episode.opus"))).common).toMatchObject({ title: "Épisode 1", album: "Test Show", artist: "Ana" });
    expect(fs.readdirSync(f("out")).filter((n) => n.endsWith(".partial"))).toEqual([]);

    // Waveform for the player.
    const wf = JSON.parse(await fsp.readFile(result.waveformPath, "utf8")) as WaveformJson;
    expect(wf.length).toBeGreaterThan(300);
    expect(wf.length).toBeLessThanOrEqual(500);
    expect(Math.max(...wf.data)).toBeGreaterThan(20);

    // Progress: rising, throttled, ending at 1.
    expect(fractions.at(-1)).toBe(1);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it("masters a mono episode at −23 LUFS without bumpers (linear gain) and previews a waveform", async () => {
    const info = await inspectMedia(f("speech.wav"));
    if (info.kind !== "audio") throw new Error("fixture");
    const measured = await measureRecording(f("speech.wav"), { channels: 1, durationSeconds: info.durationSeconds });
    const out = f("out/mono.mp3");
    const result = await masterEpisode({
      recording: { path: f("speech.wav"), durationSeconds: info.durationSeconds, loudness: measured.loudness },
      channels: 1,
      cleanUp: { noiseReduction: false, maxPauseSeconds: null },
      target: { integratedLufs: -23, truePeakDbtp: -1, lraLu: 15 },
      workDir: f("work-mono"),
      outputPath: out,
      opus: { outputPath: f("out/mono.opus") },
    });
    expect(result.normalisation.mode).toBe("linear");
    expect(result.normalisation.gainDb).toBeLessThan(0);
    const check = ebur128Summary(out);
    expect(Math.abs(check.i - -23)).toBeLessThanOrEqual(1);
    expect(check.tp).toBeLessThanOrEqual(-1);
    const meta = await parseFile(out);
    expect(meta.format.numberOfChannels).toBe(1);
    expect(meta.format.bitrate).toBe(96_000);
    // The Opus rendition follows the MP3's channels: mono, 48 kbps.
    expect(probeAudio(f("out/mono.opus"))).toMatchObject({ codec_name: "opus", sample_rate: "48000", channels: 1 });
    expect(result.opus?.bitrateKbps).toBe(48);
    expect(Math.abs(ebur128Summary(f("out/mono.opus")).i - check.i)).toBeLessThanOrEqual(0.5);
    // Pauses kept: only the edges were trimmed.
    expect(result.silenceRemovedSeconds).toBeLessThan(truth.leadingSilence + truth.trailingSilence);

    const wf = await computeWaveform(out, f("work-mono/preview.json"), { points: 200 });
    expect(wf.length).toBeLessThanOrEqual(200);
    expect(wf.durationSeconds).toBeCloseTo(result.durationSeconds, 0);
  });

  it("levels a recording with a wide loudness range dynamically, as loudnorm reports it", async () => {
    const measured = await measureRecording(f("speech.wav"), { channels: 1, durationSeconds: 24 });
    const out = f("out/dynamic.mp3");
    const result = await masterEpisode({
      recording: { path: f("speech.wav"), durationSeconds: 24, loudness: measured.loudness },
      channels: 1,
      cleanUp: { noiseReduction: false },
      target: { integratedLufs: -19, lraLu: 3 },
      workDir: f("work-dynamic"),
      outputPath: out,
    });
    expect(result.normalisation).toEqual({ mode: "dynamic", gainDb: null });
    const check = ebur128Summary(out);
    expect(Math.abs(check.i - -19)).toBeLessThanOrEqual(1);
    expect(check.tp).toBeLessThanOrEqual(-1);
  });

  it("refuses a silent recording as the user's file, not as a fault of ours", async () => {
    // Digital silence measures a true peak of -144 dBTP, below what loudnorm accepts (-99).
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-t", "3", "-c:a", "pcm_s16le", f("silence.wav"));
    const measured = await measureRecording(f("silence.wav"), { channels: 1, durationSeconds: 3 });
    expect(measured.loudness.truePeakDbtp).toBeLessThan(-99);
    const err = await masterEpisode({
      recording: { path: f("silence.wav"), durationSeconds: 3, loudness: measured.loudness },
      channels: 1,
      target: { integratedLufs: -16 },
      workDir: f("work-silence"),
      outputPath: f("out/silence.mp3"),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe("empty");
    expect((err as MediaError).message).toMatch(/silent/);
  });

  it("fails with a clear reason on a recording that does not decode", async () => {
    const err = await masterEpisode({
      recording: { path: f("random.mp3"), durationSeconds: 3, loudness: { integratedLufs: -20, lraLu: 5, truePeakDbtp: -6, thresholdLufs: -30 } },
      channels: 2,
      target: { integratedLufs: -16 },
      workDir: f("work-bad"),
      outputPath: f("out/bad.mp3"),
      opus: { outputPath: f("out/bad.opus") },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe("corrupt");
    expect(fs.existsSync(f("out/bad.mp3"))).toBe(false);
    expect(fs.existsSync(f("out/bad.opus"))).toBe(false);
    expect(fs.existsSync(f("out/bad.opus.partial"))).toBe(false);
  });

  it("measures a reference tone where BS.1770 says it is", async () => {
    // A 1 kHz sine at −20 dBFS in one channel reads −23.0 LUFS.
    ffmpeg("-f", "lavfi", "-i", "aevalsrc=0.1*sin(2*PI*1000*t):s=48000:d=5", "-ac", "1", f("tone.wav"));
    const l = await measureLoudness(f("tone.wav"));
    expect(l.integratedLufs).toBeCloseTo(-23, 0);
  });
});
