import { spawnSync } from "node:child_process";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyseRecording } from "./clean-up";
import { ffmpegPaths } from "./ffmpeg";
import { listenerFigures, meter } from "./listener-meter";
import { planLeveling } from "./leveler";
import { masterEpisode } from "./master";
import { writeSpeakerTurnsWav, type SpeakerTurnsTruth } from "./test-signals";

/*
 * The leveler through the real pipeline, measured as a listener would: a 75 s conversation with a
 * quiet (−30 LUFS), a mid (−20) and a loud (−12) speaker, pauses, noise and hum; silence trimming
 * off so the output keeps the input's timeline; every figure read with ffmpeg's own ebur128 meter
 * on the input WAV and the encoded MP3, never from what the pipeline reports about itself.
 */

let dir: string;
let truth: SpeakerTurnsTruth;
const f = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), "pp-leveling-test-"));
  truth = await writeSpeakerTurnsWav(f("conversation.wav"), { seconds: 75, seed: 5 });
});

afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe.each([
  { target: -16, channels: 2 as const },
  { target: -19, channels: 1 as const },
  { target: -23, channels: 2 as const },
])("leveling a conversation to $target LUFS ($channels channels)", ({ target, channels }) => {
  it("brings every speaker to one level, on target in one encode, without lifting the pauses", async () => {
    // As process-episode runs it: the mono recording is analysed, cleaned up and levelled in mono.
    const analysed = await analyseRecording(f("conversation.wav"), { channels: 1, durationSeconds: truth.seconds });
    const plan = planLeveling(analysed.analysis, { targetLufs: target });
    if (!plan.applied) throw new Error(plan.reason);
    const out = f(`levelled-${target}.mp3`);
    const result = await masterEpisode({
      recording: { path: f("conversation.wav"), durationSeconds: analysed.durationSeconds, loudness: analysed.loudness, channels: 1 },
      channels,
      leveling: plan,
      cleanUp: { trimSilence: false, maxPauseSeconds: null, noiseReduction: false },
      target: { integratedLufs: target, truePeakDbtp: -1 },
      workDir: f(`work-${target}`),
      outputPath: out,
    });
    expect(result.normalisation.mode).toBe("levelled");
    expect(result.encodes).toBe(1);

    const l = listenerFigures(f("conversation.wav"), out, truth);
    // Programme: on target, under the ceiling, a narrow loudness range.
    expect(Math.abs(l.output.integrated - target)).toBeLessThanOrEqual(0.5);
    expect(l.output.truePeak).toBeLessThanOrEqual(-1);
    expect(l.output.lra).toBeLessThanOrEqual(6);
    expect(l.input.lra).toBeGreaterThan(12);
    // Speaker turns, on the input's timeline: one level, and the quiet and loud speakers with the rest.
    expect(l.input.spreadLu).toBeGreaterThan(14);
    expect(l.output.spreadLu).toBeLessThanOrEqual(4);
    expect(l.worstTurnLu).toBeLessThanOrEqual(3);
    expect(l.speakerOffsetLu).toHaveLength(3);
    for (const offset of l.speakerOffsetLu) expect(offset).toBeLessThanOrEqual(2);
    // The long pause's noise rises no more than 6 dB beyond the speech on either side.
    expect(l.pauseNoiseRiseBeyondSpeechDb).toBeLessThanOrEqual(6);
  }, 60_000);
});

/** Peak level (dBFS) of a decoded file's left minus right channel: -inf when the two are the same. */
function sideLevelDb(file: string): number {
  const r = spawnSync(ffmpegPaths().ffmpeg, ["-hide_banner", "-nostdin", "-v", "info", "-i", file, "-af", "pan=mono|c0=c0-c1,astats=metadata=0", "-f", "null", "-"], { encoding: "utf8" });
  const m = /Peak level dB:\s*(-?inf|-?[\d.]+)/.exec(r.stderr);
  if (!m) throw new Error(`no astats in: ${r.stderr.slice(-300)}`);
  return m[1]!.endsWith("inf") ? -Infinity : Number(m[1]);
}

describe("a mono recording of a stereo episode", () => {
  it("is cleaned up and levelled in mono, then upmixed: the same programme as when processed in stereo throughout", async () => {
    const analysed = await analyseRecording(f("conversation.wav"), { channels: 1, durationSeconds: truth.seconds });
    const plan = planLeveling(analysed.analysis, { targetLufs: -16 });
    if (!plan.applied) throw new Error(plan.reason);
    const master = (recordingChannels: number) =>
      masterEpisode({
        recording: { path: f("conversation.wav"), durationSeconds: analysed.durationSeconds, loudness: analysed.loudness, channels: recordingChannels },
        channels: 2,
        leveling: plan,
        cleanUp: { trimSilence: true, maxPauseSeconds: 1.5, noiseReduction: true },
        target: { integratedLufs: -16, truePeakDbtp: -1 },
        workDir: f(`work-mono-${recordingChannels}`),
        outputPath: f(`mono-${recordingChannels}.mp3`),
      });
    // Told the recording is stereo, the pipeline upmixes at the decoder (the wide path).
    const [narrow, wide] = [await master(1), await master(2)];
    // A stereo episode, both channels the same programme.
    expect(sideLevelDb(narrow.outputPath)).toBeLessThan(-60);
    const [a, b] = [meter(narrow.outputPath), meter(wide.outputPath)];
    expect(Math.abs(a.integrated - b.integrated)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(a.truePeak - b.truePeak)).toBeLessThanOrEqual(0.2);
    expect(Math.abs(a.lra - b.lra)).toBeLessThanOrEqual(0.2);
    expect(Math.abs(narrow.durationSeconds - wide.durationSeconds)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(narrow.silenceRemovedSeconds - wide.silenceRemovedSeconds)).toBeLessThanOrEqual(0.1);
  }, 60_000);
});
