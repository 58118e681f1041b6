import { spawnSync } from "node:child_process";
import { ffmpegPaths } from "./ffmpeg";
import type { SpeakerTurnsTruth } from "./test-signals";

/**
 * The listener's view of a levelled conversation, for tests and the mastering benchmark: every
 * figure is read with ffmpeg's own ebur128 meter (summary + momentary loudness every 100 ms) on
 * the input file and on the encoded output, never from what the pipeline reports about itself.
 * Not used in a request path.
 */

export type Meter = { integrated: number; lra: number; truePeak: number; momentary: { t: number; m: number }[] };

/** ffmpeg's ebur128 on a file: the summary plus the momentary loudness every 100 ms (framelog). */
export function meter(file: string): Meter {
  const r = spawnSync(
    ffmpegPaths().ffmpeg,
    ["-hide_banner", "-nostdin", "-nostats", "-v", "info", "-i", file, "-af", "ebur128=peak=true:framelog=info", "-f", "null", "-"],
    { encoding: "utf8", maxBuffer: 1 << 30 },
  );
  const log = r.stderr;
  const momentary = [...log.matchAll(/t:\s*([\d.]+)\s+TARGET:.*?M:\s*(-?[\d.]+|-inf)/g)].map((m) => ({ t: Number(m[1]), m: m[2] === "-inf" ? -120 : Number(m[2]) }));
  const s = log.slice(log.lastIndexOf("Summary:"));
  const num = (re: RegExp) => Number(re.exec(s)?.[1]);
  return { integrated: num(/I:\s+(-?[\d.]+) LUFS/), lra: num(/LRA:\s+(-?[\d.]+) LU/), truePeak: num(/Peak:\s+(-?[\d.]+) dBFS/), momentary };
}

/**
 * Loudness of a stretch: energy mean of the momentary values whose 400 ms window lies inside it
 * (gated at −70 LUFS like BS.1770 for speech; pass −120 to measure a pause's noise).
 */
export function stretchLoudness(m: Meter, from: number, to: number, gateLufs = -70): number {
  const inside = m.momentary.filter((x) => x.t >= from + 0.4 && x.t <= to && x.m > gateLufs);
  const energy = inside.reduce((sum, x) => sum + 10 ** (x.m / 10), 0) / inside.length;
  return 10 * Math.log10(energy);
}

function percentile(sorted: number[], p: number): number {
  const x = (sorted.length - 1) * p;
  const i = Math.floor(x);
  return sorted[i]! + (sorted[Math.min(i + 1, sorted.length - 1)]! - sorted[i]!) * (x - i);
}

const energyMean = (v: number[]) => 10 * Math.log10(v.reduce((s, x) => s + 10 ** (x / 10), 0) / v.length);

export type ListenerFigures = {
  input: { integrated: number; lra: number; truePeak: number; spreadLu: number };
  output: { integrated: number; lra: number; truePeak: number; spreadLu: number };
  /** Largest distance of a turn from the median turn, LU (output). */
  worstTurnLu: number;
  /** |speaker's turns − everyone else's|, LU (output), per speaker index. */
  speakerOffsetLu: number[];
  /** How much more the long pause's noise rose than the quieter speech turn beside it, dB. */
  pauseNoiseRiseBeyondSpeechDb: number;
  turns: { speaker: number; before: number; after: number }[];
};

/**
 * Measures input and output of a levelled conversation (writeSpeakerTurnsWav) the way a listener
 * hears it. `toOutput`: where a recording time lands in the output (a fixed offset for an intro
 * minus its crossfade, or a mapping through trimmed cuts); the output must otherwise keep the
 * input's timeline (pauses not shortened).
 */
export function listenerFigures(
  input: string | Meter,
  output: string | Meter,
  truth: SpeakerTurnsTruth,
  toOutput: number | ((t: number) => number) = 0,
): ListenerFigures {
  const map = typeof toOutput === "number" ? (t: number) => t + toOutput : toOutput;
  // Meters can be passed in when one file is compared with several (the benchmark).
  const before = typeof input === "string" ? meter(input) : input;
  const after = typeof output === "string" ? meter(output) : output;
  const turns = truth.turns.map((t) => ({
    speaker: t.speaker,
    before: stretchLoudness(before, t.start, t.end),
    after: stretchLoudness(after, map(t.start), map(t.end)),
  }));
  const spread = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    return { p: percentile(s, 0.95) - percentile(s, 0.05), median: percentile(s, 0.5) };
  };
  const inS = spread(turns.map((t) => t.before));
  const outS = spread(turns.map((t) => t.after));
  const speakers = [...new Set(turns.map((t) => t.speaker))].sort();
  const speakerOffsetLu = speakers.map((sp) =>
    Math.abs(energyMean(turns.filter((t) => t.speaker === sp).map((t) => t.after)) - energyMean(turns.filter((t) => t.speaker !== sp).map((t) => t.after))),
  );
  const { start, end } = truth.longPause;
  const noiseRise =
    stretchLoudness(after, map(start + 1), map(end - 0.5), -120) - stretchLoudness(before, start + 1, end - 0.5, -120);
  const beside = truth.turns
    .map((t, i) => ({ t, gain: turns[i]!.after - turns[i]!.before }))
    .filter(({ t }) => Math.abs(t.end - start) < 0.5 || Math.abs(t.start - end) < 0.5);
  return {
    input: { integrated: before.integrated, lra: before.lra, truePeak: before.truePeak, spreadLu: inS.p },
    output: { integrated: after.integrated, lra: after.lra, truePeak: after.truePeak, spreadLu: outS.p },
    worstTurnLu: Math.max(...turns.map((t) => Math.abs(t.after - outS.median))),
    speakerOffsetLu,
    pauseNoiseRiseBeyondSpeechDb: beside.length ? noiseRise - Math.min(...beside.map((b) => b.gain)) : NaN,
    turns,
  };
}
