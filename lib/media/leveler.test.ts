import { describe, expect, it } from "vitest";
import {
  BLOCK_SECONDS,
  GainApplier,
  LoudnessAnalyser,
  integratedLoudness,
  loudnessChart,
  lufs,
  planLeveling,
  type LevelPlan,
  type LoudnessAnalysis,
} from "./leveler";

/** The leveler's pure parts on short synthetic signals: no ffmpeg, well under a second each. */

const RATE = 8000;

/** Small seeded PRNG, so every run sees the same "voice". */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Segment = { seconds: number; lufs: number | null };

/**
 * Mono PCM at 8 kHz: speech-like segments (harmonics with a syllable envelope) at roughly the given
 * loudness, pauses (lufs null) with only the noise floor under everything.
 */
function conversation(segments: Segment[], opts: { noiseDb?: number; clip?: boolean; seed?: number } = {}): { pcm: Float32Array; bounds: [number, number][] } {
  const rand = prng(opts.seed ?? 1);
  const total = segments.reduce((s, x) => s + x.seconds, 0);
  const pcm = new Float32Array(Math.round(total * RATE));
  const noise = opts.noiseDb === undefined ? 10 ** (-60 / 20) : opts.noiseDb === -Infinity ? 0 : 10 ** (opts.noiseDb / 20);
  const bounds: [number, number][] = [];
  let at = 0;
  for (const seg of segments) {
    const n = Math.round(seg.seconds * RATE);
    // A harmonic voice of amplitude 1 sits at about −6 LUFS at this envelope; scale from there.
    const amp = seg.lufs === null ? 0 : 10 ** ((seg.lufs + 6) / 20);
    for (let i = 0; i < n; i++) {
      const t = i / RATE;
      let v = 0;
      if (amp) {
        const syl = Math.abs(Math.sin(Math.PI * 4 * t));
        for (let k = 1; k <= 5; k++) v += Math.sin(2 * Math.PI * 140 * k * t) / k;
        v *= amp * Math.sqrt(syl) * 0.6;
      }
      let s = v + noise * (rand() * 2 - 1) * 1.7;
      if (opts.clip) s = Math.max(-0.3, Math.min(0.3, s * 3));
      pcm[at + i] = s;
    }
    if (seg.lufs !== null) bounds.push([at / RATE, (at + n) / RATE]);
    at += n;
  }
  return { pcm, bounds };
}

function analyse(pcm: Float32Array, rate = RATE, channels = 1): LoudnessAnalysis {
  const a = new LoudnessAnalyser(rate, channels);
  // Odd chunk sizes: blocks must not depend on how the stream arrives.
  for (let i = 0; i < pcm.length; i += 1234 * channels) a.push(pcm.subarray(i, Math.min(pcm.length, i + 1234 * channels)));
  return a.finish();
}

/** Loudness of a stretch (seconds) of an analysis, energy mean of its blocks, optionally with gains (dB per block). */
function stretchLufs(a: LoudnessAnalysis, [from, to]: [number, number], gainDb?: number[]): number {
  let sum = 0;
  let count = 0;
  for (let i = Math.ceil(from / BLOCK_SECONDS); i < Math.floor(to / BLOCK_SECONDS); i++) {
    sum += a.energies[i]! * (gainDb ? 10 ** (gainDb[i]! / 10) : 1);
    count++;
  }
  return lufs(sum / count);
}

function applied(plan: LevelPlan): Extract<LevelPlan, { applied: true }> {
  if (!plan.applied) throw new Error(`leveler stepped aside: ${plan.reason}`);
  return plan;
}

const TURNS: Segment[] = [
  { seconds: 1, lufs: null },
  { seconds: 8, lufs: -20 },
  { seconds: 1.5, lufs: null },
  { seconds: 8, lufs: -30 },
  { seconds: 1.2, lufs: null },
  { seconds: 8, lufs: -12 },
  { seconds: 8, lufs: null },
  { seconds: 8, lufs: -30 },
  { seconds: 2, lufs: null },
  { seconds: 8, lufs: -20 },
  { seconds: 1, lufs: null },
];

describe("loudness analyser", () => {
  it("measures a 997 Hz sine at −20 dBFS as −23 LUFS (BS.1770), at 48 and 44.1 kHz, mono and stereo", () => {
    for (const rate of [48000, 44100]) {
      for (const channels of [1, 2]) {
        const frames = rate * 5;
        const pcm = new Float32Array(frames * channels);
        for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) pcm[i * channels + c] = 0.1 * Math.sin((2 * Math.PI * 997 * i) / rate);
        const a = analyse(pcm, rate, channels);
        // Two identical channels add their energy: +3 dB.
        expect(integratedLoudness(a.energies).integratedLufs).toBeCloseTo(channels === 2 ? -20 : -23.01, 1);
        expect(a.seconds).toBeCloseTo(5, 3);
      }
    }
  });

  it("estimates inter-sample peaks that the samples miss", () => {
    // A quarter-rate sine sampled 45° off its crests: samples at 0.707 of the true peak (−3 dB).
    const pcm = Float32Array.from({ length: 8000 }, (_, i) => 0.5 * Math.sin((Math.PI / 2) * i + Math.PI / 4));
    const a = analyse(pcm);
    const sample = 20 * Math.log10(Math.max(...a.peaks));
    const truePeak = 20 * Math.log10(a.truePeak);
    expect(sample).toBeCloseTo(20 * Math.log10(0.5 * Math.SQRT1_2), 1);
    expect(truePeak - sample).toBeGreaterThan(0.9);
    expect(truePeak).toBeLessThanOrEqual(20 * Math.log10(0.5) + 0.01);
  });
});

describe("leveler gain curve", () => {
  it("brings quiet, mid and loud turns to one level and lands the plan on the target", () => {
    const { pcm, bounds } = conversation(TURNS);
    const a = analyse(pcm);
    const before = bounds.map((b) => stretchLufs(a, b));
    expect(Math.max(...before) - Math.min(...before)).toBeGreaterThan(15);

    const plan = applied(planLeveling(a, { targetLufs: -16 }));
    const gain = plan.gainDeciDb.map((g) => g / 10);
    const after = bounds.map((b) => stretchLufs(a, b, gain));
    expect(Math.max(...after) - Math.min(...after)).toBeLessThanOrEqual(2.5);
    expect(plan.predictedLufs).toBeCloseTo(-16, 1);
    expect(plan.report.speechSpreadLu.before).toBeGreaterThan(10);
    expect(plan.report.speechSpreadLu.after).toBeLessThanOrEqual(2.5);
    expect(plan.report.lraLu.after).toBeLessThan(plan.report.lraLu.before);
    expect(plan.report.largestGainDb).toBeGreaterThan(10);
  });

  it("moves slowly (seconds, not syllables) and never lifts a pause above the quieter speech beside it", () => {
    const { pcm, bounds } = conversation(TURNS);
    const a = analyse(pcm);
    const gain = applied(planLeveling(a, { targetLufs: -16, riseDbPerSecond: 10, fallDbPerSecond: 20 })).gainDeciDb.map((g) => g / 10);
    for (let i = 1; i < gain.length; i++) {
      const step = gain[i]! - gain[i - 1]!;
      expect(step).toBeLessThanOrEqual(10 * BLOCK_SECONDS + 0.11);
      expect(step).toBeGreaterThanOrEqual(-20 * BLOCK_SECONDS - 0.11);
    }
    // The 8 s pause between the loud turn and the quiet one holds the loud turn's (smaller) gain.
    const [, , loud, quiet] = bounds as [[number, number], [number, number], [number, number], [number, number]];
    const speechGain = (b: [number, number]) => stretchLufs(a, b, gain) - stretchLufs(a, b);
    const pause = gain.slice(Math.ceil(loud[1] / BLOCK_SECONDS), Math.floor(quiet[0] / BLOCK_SECONDS));
    expect(Math.max(...pause)).toBeLessThanOrEqual(Math.min(speechGain(loud), speechGain(quiet)) + 0.5);
    expect(speechGain(quiet) - speechGain(loud)).toBeGreaterThan(12);
  });

  it("caps the lift of a near-silent passage", () => {
    const { pcm, bounds } = conversation([
      { seconds: 1, lufs: null },
      { seconds: 10, lufs: -14 },
      { seconds: 1.5, lufs: null },
      { seconds: 8, lufs: -45 },
      { seconds: 1.5, lufs: null },
      { seconds: 10, lufs: -14 },
      { seconds: 1, lufs: null },
    ], { noiseDb: -75 });
    const a = analyse(pcm);
    const plan = applied(planLeveling(a, { targetLufs: -16, maxBoostDb: 12 }));
    const gain = plan.gainDeciDb.map((g) => g / 10);
    const [loud, faint] = bounds as [[number, number], [number, number]];
    const lift = stretchLufs(a, faint, gain) - stretchLufs(a, faint);
    const loudGain = stretchLufs(a, loud, gain) - stretchLufs(a, loud);
    expect(lift - loudGain).toBeLessThanOrEqual(12.6);
    expect(lift - loudGain).toBeGreaterThan(8);
  });

  it("applies the curve to samples as planned", () => {
    const { pcm } = conversation(TURNS);
    const a = analyse(pcm);
    const plan = applied(planLeveling(a, { targetLufs: -18 }));
    const out = pcm.slice();
    const applier = new GainApplier(plan.gainDeciDb, RATE, 1);
    // The trimmer feeds 10 ms blocks; any split must give the same result.
    for (let i = 0; i < out.length; i += 80) applier.apply(out.subarray(i, i + 80));
    expect(integratedLoudness(analyse(out).energies).integratedLufs).toBeCloseTo(-18, 0);
    expect(Math.abs(integratedLoudness(analyse(out).energies).integratedLufs - -18)).toBeLessThanOrEqual(0.3);
    // A flat offset moves everything by exactly that much.
    const shifted = pcm.slice();
    new GainApplier(plan.gainDeciDb, RATE, 1, -3).apply(shifted);
    expect(integratedLoudness(analyse(shifted).energies).integratedLufs).toBeCloseTo(integratedLoudness(analyse(out).energies).integratedLufs - 3, 1);
  });

  it("still levels a clipped recording", () => {
    const { pcm } = conversation(TURNS, { clip: true });
    expect(planLeveling(analyse(pcm), { targetLufs: -16 }).applied).toBe(true);
  });
});

describe("leveler steps aside, with a reason, when there is nothing to level", () => {
  const reasonFor = (pcm: Float32Array) => {
    const plan = planLeveling(analyse(pcm), { targetLufs: -16 });
    expect(plan.applied).toBe(false);
    return plan.applied ? "" : plan.reason;
  };

  it("all silence", () => {
    expect(reasonFor(new Float32Array(RATE * 20))).toMatch(/silent/);
  });

  it("shorter than the analysis window", () => {
    expect(reasonFor(conversation([{ seconds: 3, lufs: -20 }]).pcm)).toMatch(/shorter than 5 seconds/);
  });

  it("all music (no pauses)", () => {
    const pcm = new Float32Array(RATE * 30);
    for (let i = 0; i < pcm.length; i++) {
      const t = i / RATE;
      pcm[i] = 0.2 * (0.7 + 0.3 * Math.sin(2 * Math.PI * 0.5 * t)) * (Math.sin(2 * Math.PI * 220 * t) + 0.8 * Math.sin(2 * Math.PI * 277 * t));
    }
    expect(reasonFor(pcm)).toMatch(/no pauses/);
  });

  it("one long loud burst", () => {
    const rand = prng(9);
    const pcm = Float32Array.from({ length: RATE * 30 }, () => (rand() * 2 - 1) * 0.9);
    expect(reasonFor(pcm)).toMatch(/no pauses/);
  });
});

describe("loudness chart", () => {
  it("keeps two hours under 1,000 points, with the pauses marked", () => {
    const blocks = 2 * 3600 * 10;
    const energies = new Float64Array(blocks);
    // 20 s of speech, 10 s of pause, repeated.
    for (let i = 0; i < blocks; i++) energies[i] = (i % 300) < 200 ? 10 ** ((-20 + 0.691) / 10) : 10 ** ((-60 + 0.691) / 10);
    const speech = Uint8Array.from(energies, (e) => (e > 1e-4 ? 1 : 0));
    const chart = loudnessChart(energies, speech, new Float64Array(blocks).fill(4));
    expect(chart.before.length).toBeLessThanOrEqual(1000);
    expect(chart.after.length).toBe(chart.before.length);
    expect(chart.pauses.length).toBe(chart.before.length);
    expect(chart.pauses).toMatch(/1/);
    expect(chart.pauses).toMatch(/0/);
    const i = chart.pauses.indexOf("0", 50);
    expect(chart.after[i]! - chart.before[i]!).toBeCloseTo(4, 0);
    expect(JSON.stringify(chart).length).toBeLessThan(20_000);
  });
});
