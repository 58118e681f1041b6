/**
 * Adaptive speech leveling, planned from the measuring pass and applied in Node on the PCM the
 * mastering pass already streams for silence trimming. No ffmpeg here: the measuring pass pipes
 * high-passed float PCM into `LoudnessAnalyser`, which keeps only K-weighted energy and peak per
 * 100 ms block (~300 kB an hour); `planLeveling` turns those into a gain curve, and `GainApplier`
 * multiplies it into the samples on the way to the encoder.
 */

/** Resolution of the analysis and of the gain curve. */
export const BLOCK_SECONDS = 0.1;
const ABSOLUTE_GATE_LUFS = -70;

/** BS.1770 K-weighting (pre-filter shelf + RLB high-pass) for any sample rate, as libebur128 derives it. */
export function kWeighting(rate: number): { b: [number, number, number, number, number]; a: [number, number, number, number, number] } {
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / rate);
  const Vh = 10 ** (G / 20);
  const Vb = Vh ** 0.4996667741545416;
  let a0 = 1 + K / Q + K * K;
  const pb = [(Vh + (Vb * K) / Q + K * K) / a0, (2 * (K * K - Vh)) / a0, (Vh - (Vb * K) / Q + K * K) / a0];
  const pa = [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0];
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / rate);
  a0 = 1 + K / Q + K * K;
  const rb = [1, -2, 1];
  const ra = [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0];
  // The two biquads as one 4th-order filter (polynomial products).
  const b: [number, number, number, number, number] = [
    pb[0]! * rb[0]!,
    pb[0]! * rb[1]! + pb[1]! * rb[0]!,
    pb[0]! * rb[2]! + pb[1]! * rb[1]! + pb[2]! * rb[0]!,
    pb[1]! * rb[2]! + pb[2]! * rb[1]!,
    pb[2]! * rb[2]!,
  ];
  const a: [number, number, number, number, number] = [
    1,
    pa[1]! + ra[1]!,
    pa[2]! + pa[1]! * ra[1]! + ra[2]!,
    pa[1]! * ra[2]! + pa[2]! * ra[1]!,
    pa[2]! * ra[2]!,
  ];
  return { b, a };
}

export type LoudnessAnalysis = {
  sampleRate: number;
  channels: number;
  /** Seconds of audio analysed. */
  seconds: number;
  /** Channel-summed K-weighted mean square per 100 ms block (BS.1770 weights 1 for L/R/C). */
  energies: Float64Array;
  /** Largest absolute sample per block. */
  peaks: Float32Array;
  /** Estimated true peak (linear): the sample peak, raised where cubic interpolation at 4× finds higher inter-sample peaks. */
  truePeak: number;
};

// 4-point Lagrange weights at t = 1/4, 1/2, 3/4 between the middle two of four samples.
const LAGRANGE = [0.25, 0.5, 0.75].map((t) => [(-t * (t - 1) * (t - 2)) / 6, ((t + 1) * (t - 1) * (t - 2)) / 2, (-(t + 1) * t * (t - 2)) / 2, ((t + 1) * t * (t - 1)) / 6]);

/** Streams interleaved float PCM into per-100 ms K-weighted energies and peaks. */
export class LoudnessAnalyser {
  private readonly b: number[];
  private readonly a: number[];
  /** Filter state per channel: x1..x4, y1..y4. */
  private readonly state: Float64Array[];
  private readonly blockFrames: number;
  private energies: number[] = [];
  private peaks: number[] = [];
  private sum = 0;
  private peak = 0;
  private inBlock = 0;
  private frames = 0;
  private truePeak = 0;

  constructor(
    readonly sampleRate: number,
    readonly channels: number,
  ) {
    const k = kWeighting(sampleRate);
    this.b = k.b;
    this.a = k.a;
    this.state = Array.from({ length: channels }, () => new Float64Array(8));
    this.blockFrames = Math.round(sampleRate * BLOCK_SECONDS);
  }

  /** Feeds interleaved samples (whole frames). */
  push(samples: Float32Array): void {
    const ch = this.channels;
    const [b0, b1, b2, b3, b4] = this.b as [number, number, number, number, number];
    const [, a1, a2, a3, a4] = this.a as [number, number, number, number, number];
    const frames = Math.floor(samples.length / ch);
    let f = 0;
    while (f < frames) {
      const n = Math.min(frames - f, this.blockFrames - this.inBlock);
      for (let c = 0; c < ch; c++) {
        const s = this.state[c]!;
        let x1 = s[0]!, x2 = s[1]!, x3 = s[2]!, x4 = s[3]!, y1 = s[4]!, y2 = s[5]!, y3 = s[6]!, y4 = s[7]!;
        let sum = 0;
        let peak = this.peak;
        // Interpolate only near the loudest peaks so far: a compare per sample otherwise.
        let gate = this.truePeak * 0.7;
        for (let i = 0, at = f * ch + c; i < n; i++, at += ch) {
          const x = samples[at]!;
          const ax = x < 0 ? -x : x;
          if (ax > peak) peak = ax;
          if ((x1 > gate || x1 < -gate || x2 > gate || x2 < -gate)) {
            // Between x2 and x1, with x3 and x as the outer neighbours.
            for (const w of LAGRANGE) {
              const v = w[0]! * x3 + w[1]! * x2 + w[2]! * x1 + w[3]! * x;
              const av = v < 0 ? -v : v;
              if (av > this.truePeak) this.truePeak = av;
            }
            const a1 = x1 < 0 ? -x1 : x1;
            if (a1 > this.truePeak) this.truePeak = a1;
            gate = this.truePeak * 0.7;
          }
          const y = b0 * x + b1 * x1 + b2 * x2 + b3 * x3 + b4 * x4 - a1 * y1 - a2 * y2 - a3 * y3 - a4 * y4;
          x4 = x3; x3 = x2; x2 = x1; x1 = x;
          y4 = y3; y3 = y2; y2 = y1; y1 = y;
          sum += y * y;
        }
        s[0] = x1; s[1] = x2; s[2] = x3; s[3] = x4; s[4] = y1; s[5] = y2; s[6] = y3; s[7] = y4;
        this.sum += sum;
        this.peak = peak;
      }
      f += n;
      this.inBlock += n;
      this.frames += n;
      if (this.inBlock === this.blockFrames) this.closeBlock();
    }
  }

  private closeBlock(): void {
    this.energies.push(this.sum / this.blockFrames);
    this.peaks.push(this.peak);
    this.sum = 0;
    this.peak = 0;
    this.inBlock = 0;
  }

  finish(): LoudnessAnalysis {
    // A trailing partial block counts only when it is at least half a block.
    if (this.inBlock >= this.blockFrames / 2) {
      this.energies.push(this.sum / this.inBlock);
      this.peaks.push(this.peak);
    }
    return {
      sampleRate: this.sampleRate,
      channels: this.channels,
      seconds: this.frames / this.sampleRate,
      energies: Float64Array.from(this.energies),
      peaks: Float32Array.from(this.peaks),
      truePeak: this.peaks.reduce((m, p) => Math.max(m, p), Math.max(this.truePeak, this.peak)),
    };
  }
}

export const lufs = (energy: number) => (energy > 0 ? -0.691 + 10 * Math.log10(energy) : -Infinity);
const energyOf = (l: number) => 10 ** ((l + 0.691) / 10);
const db2pow = (db: number) => 10 ** (db / 10);

/** Mean energy of windows of `n` blocks ending at each block (the first n−1 are partial means). */
function windowMeans(energies: ArrayLike<number>, n: number, gainDb?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(energies.length);
  let sum = 0;
  const value = (i: number) => energies[i]! * (gainDb ? db2pow(gainDb[i]!) : 1);
  for (let i = 0; i < energies.length; i++) {
    sum += value(i);
    if (i >= n) sum -= value(i - n);
    out[i] = Math.max(0, sum) / Math.min(i + 1, n);
  }
  return out;
}

/** BS.1770-4 gated integrated loudness from 100 ms block energies (400 ms blocks, 75 % overlap). */
export function integratedLoudness(energies: ArrayLike<number>, gainDb?: ArrayLike<number>): { integratedLufs: number; thresholdLufs: number } {
  const m = windowMeans(energies, 4, gainDb).subarray(Math.min(3, energies.length));
  const abs = energyOf(ABSOLUTE_GATE_LUFS);
  let sum = 0;
  let count = 0;
  for (const e of m) if (e > abs) {
    sum += e;
    count++;
  }
  if (!count) return { integratedLufs: -70, thresholdLufs: -70 };
  const rel = (sum / count) * db2pow(-10);
  let s2 = 0;
  let c2 = 0;
  for (const e of m) if (e > abs && e > rel) {
    s2 += e;
    c2++;
  }
  return { integratedLufs: round2(lufs(s2 / c2)), thresholdLufs: round2(lufs(rel)) };
}

/** Short-term loudness (3 s windows) per block, LUFS. */
export function shortTermLoudness(energies: ArrayLike<number>, gainDb?: ArrayLike<number>): Float64Array {
  return windowMeans(energies, 30, gainDb).map(lufs);
}

/** EBU Tech 3342 loudness range from short-term loudness at 10 Hz. */
export function loudnessRange(energies: ArrayLike<number>, gainDb?: ArrayLike<number>): number {
  const st = windowMeans(energies, 30, gainDb).subarray(Math.min(29, energies.length));
  const gated = Array.from(st).filter((e) => e > energyOf(ABSOLUTE_GATE_LUFS));
  if (gated.length < 2) return 0;
  const rel = (gated.reduce((a, b) => a + b, 0) / gated.length) * db2pow(-20);
  const l = gated.filter((e) => e > rel).map(lufs).sort((a, b) => a - b);
  return round2(percentile(l, 0.95) - percentile(l, 0.1));
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const x = (sorted.length - 1) * p;
  const i = Math.floor(x);
  return sorted[i]! + (sorted[Math.min(i + 1, sorted.length - 1)]! - sorted[i]!) * (x - i);
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

export type LevelerSettings = {
  targetLufs: number;
  /** Most a stretch is lifted above the one gain that would normalise the whole recording. */
  maxBoostDb?: number;
  /** Most a stretch is lowered below it. */
  maxCutDb?: number;
  /** How fast the gain may rise (after a quiet stretch starts) and fall (ahead of a loud one), dB/s. */
  riseDbPerSecond?: number;
  fallDbPerSecond?: number;
  /** Half-width of the window that estimates a stretch's level, seconds. */
  windowSeconds?: number;
  /** Blocks this far over the noise floor (momentary) count as speech. */
  speechOverFloorDb?: number;
};

/** Per-stretch figures and a small chart, for the stats JSON and the episode page. */
export type LevelerReport = {
  /** Speech stretches (between pauses of 1 s or more) found. */
  stretches: number;
  /** Spread of the stretches' loudness, 5th to 95th percentile, LU. */
  speechSpreadLu: { before: number; after: number };
  /** Largest distance of a stretch from the median stretch, LU. */
  worstStretchLu: { before: number; after: number };
  /** Largest and smallest gain applied to speech, dB. */
  largestGainDb: number;
  smallestGainDb: number;
  noiseFloorLufs: number;
  /** Loudness range of the main recording, LU, before and as planned. */
  lraLu: { before: number; after: number };
  /** Short-term loudness over the recording's timeline, ≤ 1,000 points. */
  chart: LoudnessChart;
};

export type LoudnessChart = {
  /** Seconds between points. */
  stepSeconds: number;
  /** LUFS, one decimal; null where nothing is measurable (digital silence). */
  before: (number | null)[];
  after: (number | null)[];
  /** One character per point: "1" where the stretch is a pause (no speech), "0" for speech. */
  pauses: string;
};

export type LevelPlan =
  | {
      applied: true;
      /** Gain per 100 ms block in tenths of a dB (block centres; linear in between). */
      gainDeciDb: number[];
      /** Integrated loudness the plan predicts for the levelled main recording, LUFS. */
      predictedLufs: number;
      report: LevelerReport;
    }
  | { applied: false; reason: string };

/** Below this the curve has nothing to work with (a 3 s short-term window plus a turn). */
export const MIN_LEVELER_SECONDS = 5;

/**
 * Plans the gain curve:
 *  1. noise floor = 5th percentile of 100 ms block loudness; a block is speech when its momentary
 *     (400 ms) loudness is `speechOverFloorDb` over the floor;
 *  2. each speech block's level = energy mean of the speech blocks within ±`windowSeconds`;
 *     its wanted gain brings that level to the target, capped around the whole-recording gain;
 *  3. pauses hold the smaller gain of the speech on either side (the floor is never raised more
 *     than the quieter neighbour);
 *  4. the gain may rise only at `riseDbPerSecond` after a quieter stretch begins, and falls at
 *     `fallDbPerSecond` *ahead* of a louder one (we know the future), so speech is never lifted
 *     above its wanted gain: no pumping, no overshoot into the limiter;
 *  5. the whole curve is shifted so the predicted integrated loudness lands on the target.
 * Steps aside (applied: false) with a plain reason when the recording gives it nothing to level.
 */
export function planLeveling(analysis: LoudnessAnalysis, settings: LevelerSettings): LevelPlan {
  const e = analysis.energies;
  const n = e.length;
  const target = settings.targetLufs;
  const maxBoost = settings.maxBoostDb ?? 15;
  const maxCut = settings.maxCutDb ?? 12;
  const rise = (settings.riseDbPerSecond ?? 10) * BLOCK_SECONDS;
  const fall = (settings.fallDbPerSecond ?? 20) * BLOCK_SECONDS;
  const half = Math.round((settings.windowSeconds ?? 2) / BLOCK_SECONDS);
  const overFloor = settings.speechOverFloorDb ?? 12;

  if (analysis.seconds < MIN_LEVELER_SECONDS) {
    return { applied: false, reason: `The recording is shorter than ${MIN_LEVELER_SECONDS} seconds, too short to level speakers; it was normalised as a whole.` };
  }
  const whole = integratedLoudness(e);
  if (whole.integratedLufs <= -69) {
    return { applied: false, reason: "The recording is silent, so there were no speakers to level." };
  }
  // Noise floor from the quietest blocks that carry any signal at all (digital silence excluded).
  const blockLufs = Array.from(e, lufs);
  const audible = blockLufs.filter((l) => l > -100).sort((a, b) => a - b);
  const floor = Math.max(-100, percentile(audible, 0.05));
  const momentary = Array.from(windowMeans(e, 4), lufs);
  // Centre the 400 ms window on the block (it ends at i + 2).
  const mAt = (i: number) => momentary[Math.min(n - 1, i + 2)]!;
  const speech = new Uint8Array(n);
  let speechBlocks = 0;
  const speechGate = Math.max(ABSOLUTE_GATE_LUFS, floor + overFloor);
  // The block itself must carry signal too: the 400 ms window smears a turn's edge into the pause.
  const blockGate = Math.max(ABSOLUTE_GATE_LUFS - 10, floor + overFloor / 2);
  for (let i = 0; i < n; i++) if (mAt(i) > speechGate && blockLufs[i]! > blockGate) {
    speech[i] = 1;
    speechBlocks++;
  }
  const pauseBlocks = n - speechBlocks;
  if (pauseBlocks < n * 0.03 || whole.integratedLufs - floor < 15) {
    return {
      applied: false,
      reason: "The recording has no pauses quieter than the rest (music or continuous sound), so speakers were not levelled; it was normalised as a whole.",
    };
  }
  if (speechBlocks < 30) {
    return { applied: false, reason: "Too little speech stands out from the background to level speakers; the recording was normalised as a whole." };
  }

  // 2. Local speech level: prefix sums over speech blocks.
  const ps = new Float64Array(n + 1);
  const pc = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    ps[i + 1] = ps[i]! + (speech[i] ? e[i]! : 0);
    pc[i + 1] = pc[i]! + speech[i]!;
  }
  const baseline = target - whole.integratedLufs;
  const wanted = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (!speech[i]) continue;
    const lo = Math.max(0, i - half);
    const hi = Math.min(n, i + half + 1);
    const count = pc[hi]! - pc[lo]!;
    const level = lufs((ps[hi]! - ps[lo]!) / count);
    wanted[i] = Math.min(baseline + maxBoost, Math.max(baseline - maxCut, target - level));
  }
  // 3. Pauses hold the smaller neighbouring gain.
  const gain = new Float64Array(n);
  const prev = new Float64Array(n);
  let last = NaN;
  for (let i = 0; i < n; i++) prev[i] = last = Number.isNaN(wanted[i]!) ? last : wanted[i]!;
  let next = NaN;
  for (let i = n - 1; i >= 0; i--) {
    next = Number.isNaN(wanted[i]!) ? next : wanted[i]!;
    const p = prev[i]!;
    gain[i] = Number.isNaN(wanted[i]!) ? (Number.isNaN(p) ? next : Number.isNaN(next) ? p : Math.min(p, next)) : wanted[i]!;
  }
  // 4. Slew limits: forward (rises only so fast), backward (falls start early enough).
  for (let i = 1; i < n; i++) gain[i] = Math.min(gain[i]!, gain[i - 1]! + rise);
  for (let i = n - 2; i >= 0; i--) gain[i] = Math.min(gain[i]!, gain[i + 1]! + fall);

  // 5. Land on the target: the curve is linear in its offset, so one correction is exact.
  const predicted = integratedLoudness(e, gain).integratedLufs;
  const shift = target - predicted;
  const gainDeciDb = Array.from(gain, (g) => Math.round((g + shift) * 10));
  const applied = Float64Array.from(gainDeciDb, (g) => g / 10);

  return {
    applied: true,
    gainDeciDb,
    predictedLufs: integratedLoudness(e, applied).integratedLufs,
    report: reportOf(analysis, speech, applied, floor),
  };
}

/** Speech stretches: runs of speech separated by pauses of at least 1 s. */
function stretchesOf(speech: Uint8Array): [number, number][] {
  const minPause = Math.round(1 / BLOCK_SECONDS);
  const out: [number, number][] = [];
  let start = -1;
  let lastSpeech = -1;
  for (let i = 0; i < speech.length; i++) {
    if (!speech[i]) continue;
    if (start < 0) start = i;
    else if (i - lastSpeech > minPause) {
      out.push([start, lastSpeech + 1]);
      start = i;
    }
    lastSpeech = i;
  }
  if (start >= 0) out.push([start, lastSpeech + 1]);
  // Stretches under 2 s are a word or a laugh, not a turn: too short to judge a level by.
  return out.filter(([a, b]) => b - a >= 2 / BLOCK_SECONDS);
}

function spreadOf(levels: number[]): { spread: number; worst: number } {
  if (!levels.length) return { spread: 0, worst: 0 };
  const sorted = [...levels].sort((a, b) => a - b);
  const median = percentile(sorted, 0.5);
  return {
    spread: round1(percentile(sorted, 0.95) - percentile(sorted, 0.05)),
    worst: round1(Math.max(...sorted.map((l) => Math.abs(l - median)))),
  };
}

function reportOf(a: LoudnessAnalysis, speech: Uint8Array, gain: Float64Array, floor: number): LevelerReport {
  const e = a.energies;
  const stretches = stretchesOf(speech);
  const level = ([s, t]: [number, number], withGain: boolean) => {
    let sum = 0;
    let count = 0;
    for (let i = s; i < t; i++) if (speech[i]) {
      sum += e[i]! * (withGain ? db2pow(gain[i]!) : 1);
      count++;
    }
    return lufs(sum / count);
  };
  const before = spreadOf(stretches.map((s) => level(s, false)));
  const after = spreadOf(stretches.map((s) => level(s, true)));
  let largest = -Infinity;
  let smallest = Infinity;
  for (let i = 0; i < gain.length; i++) {
    if (!speech[i]) continue;
    largest = Math.max(largest, gain[i]!);
    smallest = Math.min(smallest, gain[i]!);
  }
  return {
    stretches: stretches.length,
    speechSpreadLu: { before: before.spread, after: after.spread },
    worstStretchLu: { before: before.worst, after: after.worst },
    largestGainDb: round1(largest),
    smallestGainDb: round1(smallest),
    noiseFloorLufs: round1(floor),
    lraLu: { before: loudnessRange(e), after: loudnessRange(e, gain) },
    chart: loudnessChart(e, speech, gain),
  };
}

/** Short-term loudness before and after, downsampled to ≤ `points` (energy mean per bucket). */
export function loudnessChart(e: Float64Array, speech: Uint8Array | null, gain: ArrayLike<number> | null, points = 1000): LoudnessChart {
  const per = Math.max(1, Math.ceil(e.length / points));
  const before = shortTermLoudness(e);
  const after = gain ? shortTermLoudness(e, gain) : null;
  const out: LoudnessChart = { stepSeconds: round2(per * BLOCK_SECONDS), before: [], after: [], pauses: "" };
  const mean = (s: Float64Array, i: number) => {
    let sum = 0;
    const end = Math.min(s.length, i + per);
    for (let j = i; j < end; j++) sum += energyOf(s[j]!);
    const l = lufs(sum / (end - i));
    return l > -100 ? round1(l) : null;
  };
  for (let i = 0; i < e.length; i += per) {
    out.before.push(mean(before, i));
    out.after.push(after ? mean(after, i) : null);
    let talk = 0;
    const end = Math.min(e.length, i + per);
    for (let j = i; j < end; j++) talk += speech ? speech[j]! : 1;
    out.pauses += talk * 2 < end - i ? "1" : "0";
  }
  return out;
}

/**
 * Multiplies the gain curve into interleaved PCM, sample-accurately interpolated between block
 * centres. Fed in order (any block sizes) on the recording's own timeline.
 */
export class GainApplier {
  private readonly lin: Float64Array;
  private readonly framesPerBlock: number;
  private frame = 0;

  constructor(
    gainDeciDb: number[],
    private readonly sampleRate: number,
    private readonly channels: number,
    offsetDb = 0,
  ) {
    this.lin = Float64Array.from(gainDeciDb, (g) => 10 ** ((g / 10 + offsetDb) / 20));
    this.framesPerBlock = sampleRate * BLOCK_SECONDS;
  }

  /** Linear gain at a frame (block centres are the curve's points). */
  private at(frame: number): number {
    const x = frame / this.framesPerBlock - 0.5;
    const last = this.lin.length - 1;
    if (x <= 0) return this.lin[0]!;
    if (x >= last) return this.lin[last]!;
    const i = Math.floor(x);
    return this.lin[i]! + (this.lin[i + 1]! - this.lin[i]!) * (x - i);
  }

  apply(samples: Float32Array): void {
    const ch = this.channels;
    const frames = Math.floor(samples.length / ch);
    if (!this.lin.length) return;
    // Gain is linear between the ends of a short span: 10 ms spans keep per-sample work to one multiply-add.
    const span = Math.max(1, Math.round(this.sampleRate / 100));
    for (let f = 0; f < frames; f += span) {
      const m = Math.min(span, frames - f);
      const g0 = this.at(this.frame + f);
      const step = (this.at(this.frame + f + m) - g0) / m;
      for (let k = 0; k < m; k++) {
        const g = g0 + step * k;
        const base = (f + k) * ch;
        for (let c = 0; c < ch; c++) samples[base + c]! *= g;
      }
    }
    this.frame += frames;
  }
}
