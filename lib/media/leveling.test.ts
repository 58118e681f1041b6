import { spawnSync } from "node:child_process";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyseRecording } from "./clean-up";
import { ffmpegPaths } from "./ffmpeg";
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

type Meter = { integrated: number; lra: number; truePeak: number; momentary: { t: number; m: number }[] };

/** ffmpeg's ebur128: the summary plus the momentary loudness every 100 ms (framelog). */
function meter(file: string): Meter {
  const r = spawnSync(
    ffmpegPaths().ffmpeg,
    ["-hide_banner", "-nostdin", "-nostats", "-v", "info", "-i", file, "-af", "ebur128=peak=true:framelog=info", "-f", "null", "-"],
    { encoding: "utf8", maxBuffer: 256 << 20 },
  );
  const log = r.stderr;
  const momentary = [...log.matchAll(/t:\s*([\d.]+)\s+TARGET:.*?M:\s*(-?[\d.]+|-inf)/g)].map((m) => ({ t: Number(m[1]), m: m[2] === "-inf" ? -120 : Number(m[2]) }));
  const s = log.slice(log.lastIndexOf("Summary:"));
  const num = (re: RegExp) => Number(re.exec(s)![1]);
  return { integrated: num(/I:\s+(-?[\d.]+) LUFS/), lra: num(/LRA:\s+(-?[\d.]+) LU/), truePeak: num(/Peak:\s+(-?[\d.]+) dBFS/), momentary };
}

/**
 * Loudness of a stretch: energy mean of the momentary values whose 400 ms window lies inside it
 * (speech gated at −70 LUFS like BS.1770; a pause's noise not gated).
 */
function stretch(m: Meter, from: number, to: number, gateLufs = -70): number {
  const inside = m.momentary.filter((x) => x.t >= from + 0.4 && x.t <= to && x.m > gateLufs);
  const energy = inside.reduce((sum, x) => sum + 10 ** (x.m / 10), 0) / inside.length;
  return 10 * Math.log10(energy);
}

const percentile = (sorted: number[], p: number) => {
  const x = (sorted.length - 1) * p;
  const i = Math.floor(x);
  return sorted[i]! + (sorted[Math.min(i + 1, sorted.length - 1)]! - sorted[i]!) * (x - i);
};

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

    const before = meter(f("conversation.wav"));
    const after = meter(out);
    // Programme: on target, under the ceiling, a narrow loudness range.
    expect(Math.abs(after.integrated - target)).toBeLessThanOrEqual(0.5);
    expect(after.truePeak).toBeLessThanOrEqual(-1);
    expect(after.lra).toBeLessThanOrEqual(6);
    expect(before.lra).toBeGreaterThan(12);

    // Speaker turns, on the input's timeline.
    const turns = truth.turns.map((t) => ({ ...t, before: stretch(before, t.start, t.end), after: stretch(after, t.start, t.end) }));
    const spread = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { p: percentile(sorted, 0.95) - percentile(sorted, 0.05), median: percentile(sorted, 0.5) };
    };
    const inSpread = spread(turns.map((t) => t.before));
    const outSpread = spread(turns.map((t) => t.after));
    expect(inSpread.p).toBeGreaterThan(14);
    expect(outSpread.p).toBeLessThanOrEqual(4);
    for (const t of turns) expect(Math.abs(t.after - outSpread.median)).toBeLessThanOrEqual(3);
    // The quiet and the loud speaker each within 2 LU of the others.
    for (const speaker of [0, 2]) {
      const own = turns.filter((t) => t.speaker === speaker).map((t) => t.after);
      const rest = turns.filter((t) => t.speaker !== speaker).map((t) => t.after);
      const mean = (v: number[]) => 10 * Math.log10(v.reduce((s, x) => s + 10 ** (x / 10), 0) / v.length);
      expect(own.length).toBeGreaterThan(0);
      expect(Math.abs(mean(own) - mean(rest))).toBeLessThanOrEqual(2);
    }

    // The long pause: its noise rises no more than 6 dB beyond the speech on either side.
    const { start, end } = truth.longPause;
    const noiseRise = stretch(after, start + 1, end - 0.5, -120) - stretch(before, start + 1, end - 0.5, -120);
    expect(Number.isFinite(noiseRise)).toBe(true);
    const beside = turns.filter((t) => Math.abs(t.end - start) < 0.5 || Math.abs(t.start - end) < 0.5);
    expect(beside).toHaveLength(2);
    const speechGain = Math.min(...beside.map((t) => t.after - t.before));
    expect(noiseRise).toBeLessThanOrEqual(speechGain + 6);
  }, 60_000);
});
