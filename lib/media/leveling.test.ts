import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyseRecording } from "./clean-up";
import { listenerFigures } from "./listener-meter";
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
    const analysed = await analyseRecording(f("conversation.wav"), { channels, durationSeconds: truth.seconds });
    const plan = planLeveling(analysed.analysis, { targetLufs: target });
    if (!plan.applied) throw new Error(plan.reason);
    const out = f(`levelled-${target}.mp3`);
    const result = await masterEpisode({
      recording: { path: f("conversation.wav"), durationSeconds: analysed.durationSeconds, loudness: analysed.loudness },
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
