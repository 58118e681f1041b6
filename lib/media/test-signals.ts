import fs from "node:fs";

/**
 * Deterministic test recordings for the media tests and the mastering benchmark. Written in Node
 * rather than with ffmpeg's aevalsrc because per-sample expressions in ffmpeg take minutes for an
 * hour of audio, while this takes seconds and is byte-identical on every machine. Never shipped
 * in a request path; no media is committed to the repository.
 */

/** Small seeded PRNG (mulberry32): same numbers on every machine and Node version. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TABLE_SIZE = 4096;
const SINE = Float64Array.from({ length: TABLE_SIZE + 1 }, (_, i) => Math.sin((2 * Math.PI * i) / TABLE_SIZE));
/** Table sine of a phase in turns (0..1); ~4x faster than Math.sin and plenty for test audio. */
function sin01(phase: number): number {
  const x = (phase - Math.floor(phase)) * TABLE_SIZE;
  const i = x | 0;
  return SINE[i]! + (SINE[i + 1]! - SINE[i]!) * (x - i);
}

function wavHeader(sampleRate: number, channels: number, frames: number): Buffer {
  const dataBytes = frames * channels * 2;
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write("WAVEfmt ", 8, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Writes 16-bit PCM WAV from a per-frame generator, in chunks, so an hour needs no big buffer. */
async function writeWav(
  file: string,
  opts: { sampleRate: number; channels: number; seconds: number },
  frame: (i: number, out: Float64Array) => void,
): Promise<void> {
  const frames = Math.round(opts.seconds * opts.sampleRate);
  const out = fs.createWriteStream(file);
  const write = (buf: Buffer) =>
    new Promise<void>((resolve, reject) => out.write(buf, (err) => (err ? reject(err) : resolve())));
  await write(wavHeader(opts.sampleRate, opts.channels, frames));
  const chunkFrames = 65536;
  const values = new Float64Array(opts.channels);
  for (let start = 0; start < frames; start += chunkFrames) {
    const n = Math.min(chunkFrames, frames - start);
    const buf = Buffer.alloc(n * opts.channels * 2);
    for (let i = 0; i < n; i++) {
      frame(start + i, values);
      for (let c = 0; c < opts.channels; c++) {
        const v = Math.max(-1, Math.min(1, values[c]!));
        buf.writeInt16LE(Math.round(v * 32767), (i * opts.channels + c) * 2);
      }
    }
    await write(buf);
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export type SpeechSignalOptions = {
  seconds: number;
  sampleRate?: number;
  channels?: number;
  seed?: number;
  /** Silence (room tone only) before the first and after the last phrase. */
  leadingSilence?: number;
  trailingSilence?: number;
  /** Every n-th pause is a long one (2.5–4 s) that the pause shortener should cut. */
  longPauseEvery?: number;
  /** Level of the voice (1 ≈ −18 LUFS); hum and noise stay where they are. */
  gain?: number;
};

/** What the generator put in, so tests can check the pipeline against it. */
export type SpeechSignalTruth = {
  seconds: number;
  leadingSilence: number;
  trailingSilence: number;
  /** Lengths of the long pauses in the middle. */
  longPauses: number[];
};

/**
 * A speech-like recording: voiced phrases (gliding pitch, harmonics, syllable envelope, plosive
 * peaks) separated by short and long pauses, alternating loud and quiet passages (~9 dB apart),
 * 50 Hz mains hum and broadband noise throughout, leading and trailing silence.
 */
export async function writeSpeechLikeWav(file: string, opts: SpeechSignalOptions): Promise<SpeechSignalTruth> {
  const sampleRate = opts.sampleRate ?? 44100;
  const channels = opts.channels ?? 1;
  const rand = prng(opts.seed ?? 1);
  const lead = opts.leadingSilence ?? 2;
  const trail = opts.trailingSilence ?? 3;
  const longEvery = opts.longPauseEvery ?? 6;

  // Plan the timeline first: [start, end, gain] for each phrase.
  const phrases: { start: number; end: number; gain: number; f0: number }[] = [];
  const longPauses: number[] = [];
  let t = lead;
  let n = 0;
  const speechEnd = opts.seconds - trail;
  while (t < speechEnd - 1) {
    const len = Math.min(1.5 + rand() * 4, speechEnd - t);
    // Loud and quiet passages alternate about every 20 s, as with two speakers or a drifting mic.
    const loud = Math.floor(t / 20) % 2 === 0;
    phrases.push({ start: t, end: t + len, gain: loud ? 0.5 : 0.18, f0: 105 + rand() * 90 });
    t += len;
    n++;
    let pause = 0.25 + rand() * 0.7;
    if (n % longEvery === 0 && t + 4 < speechEnd) {
      pause = 2.5 + rand() * 1.5;
      longPauses.push(pause);
    }
    t += pause;
  }

  const noiseRand = prng((opts.seed ?? 1) * 7919);
  let phase = 0;
  let phraseIdx = 0;
  await writeWav(file, { sampleRate, channels, seconds: opts.seconds }, (i, out) => {
    const time = i / sampleRate;
    while (phraseIdx < phrases.length && phrases[phraseIdx]!.end <= time) phraseIdx++;
    const p = phrases[phraseIdx];
    let voice = 0;
    if (p && time >= p.start) {
      const local = time - p.start;
      const f0 = p.f0 * (1 + 0.12 * sin01(local * 0.7) + 0.03 * sin01(local * 5.3));
      phase += f0 / sampleRate;
      // Harmonics with a falling spectrum and two rough formant bumps.
      let s = 0;
      for (let k = 1; k <= 8; k++) {
        const w = (1 / k) * (k === 3 || k === 4 ? 1.8 : 1) * (k === 7 ? 1.4 : 1);
        s += w * sin01(phase * k);
      }
      // Syllables ~4.5 per second; phrase edges fade in 30 ms.
      const syl = Math.abs(sin01(local * 2.25 + 0.5 * (p.f0 % 1)));
      const edge = Math.min(1, local / 0.03, (p.end - time) / 0.03);
      // A short plosive-like burst at each syllable onset gives speech its high peak-to-loudness ratio.
      const sylPhase = (local * 4.5) % 1;
      const burst = sylPhase < 0.01 ? 1.6 : 1;
      voice = (opts.gain ?? 1) * p.gain * 0.32 * s * Math.sqrt(syl) * edge * burst;
    }
    const hum = 0.004 * sin01(time * 50) + 0.0015 * sin01(time * 100);
    for (let c = 0; c < channels; c++) {
      const noise = (noiseRand() - 0.5) * 0.004;
      out[c] = voice + hum + noise;
    }
  });
  return { seconds: opts.seconds, leadingSilence: lead, trailingSilence: trail, longPauses };
}

/** Intro/outro-like music: a three-note chord with a pulse, fading in and out. */
export async function writeMusicWav(
  file: string,
  opts: { seconds: number; sampleRate?: number; channels?: number; seed?: number; rootHz?: number },
): Promise<void> {
  const sampleRate = opts.sampleRate ?? 44100;
  const channels = opts.channels ?? 2;
  const root = opts.rootHz ?? 220;
  const rand = prng(opts.seed ?? 3);
  await writeWav(file, { sampleRate, channels, seconds: opts.seconds }, (i, out) => {
    const time = i / sampleRate;
    const fade = Math.min(1, time / 0.5, (opts.seconds - time) / 0.5);
    const pulse = 0.6 + 0.4 * Math.abs(sin01(time * 1));
    const chord = sin01(time * root) + 0.8 * sin01(time * root * 1.26) + 0.7 * sin01(time * root * 1.5);
    const v = 0.22 * chord * pulse * fade;
    for (let c = 0; c < channels; c++) out[c] = v + (rand() - 0.5) * 0.002;
  });
}

export type SpeakerTurnsOptions = {
  seconds: number;
  sampleRate?: number;
  seed?: number;
  /** Speakers' loudness, LUFS (approximate: each turn is within ~1 LU of its speaker's level). */
  speakersLufs?: number[];
  /** The one long pause, seconds, placed after the turn nearest 40 % of the recording. */
  longPauseSeconds?: number;
};

export type SpeakerTurnsTruth = {
  seconds: number;
  /** Every speaker turn, in recording seconds, with its speaker's nominal loudness. */
  turns: { start: number; end: number; speaker: number; lufs: number }[];
  longPause: { start: number; end: number };
};

const TURN_ORDER = [0, 1, 2, 0, 2, 1];

/** Amplitude that puts a speaker of the synthetic voice below at −20 LUFS integrated (measured with ebur128). */
const VOICE_AT_MINUS_20 = 0.1463;

/**
 * A conversation for the leveler: mono (by default 48 kHz) speaker turns of 6–14 s at very
 * different loudness (by default −30, −20 and −12 LUFS), 1–2 s pauses between turns and one long
 * pause, pink noise at about −60 dBFS and 50 + 60 Hz hum under everything. Deterministic.
 */
export async function writeSpeakerTurnsWav(file: string, opts: SpeakerTurnsOptions): Promise<SpeakerTurnsTruth> {
  const sampleRate = opts.sampleRate ?? 48000;
  const speakers = opts.speakersLufs ?? [-30, -20, -12];
  const rand = prng(opts.seed ?? 1);
  const longPause = opts.longPauseSeconds ?? 8;
  const f0s = [185, 118, 150, 210, 100];

  type Phrase = { start: number; end: number; amp: number; f0: number };
  const phrases: Phrase[] = [];
  const turns: SpeakerTurnsTruth["turns"] = [];
  let long = { start: 0, end: 0 };
  let t = 1;
  let speaker = 0;
  let turnIndex = 0;
  const end = opts.seconds - 1;
  while (t < end - 4) {
    const turnLen = Math.min(6 + rand() * 8, end - t);
    const start = t;
    const lufs = speakers[speaker]!;
    const amp = VOICE_AT_MINUS_20 * 10 ** ((lufs + 20) / 20);
    while (t < start + turnLen - 1) {
      const len = Math.min(1.5 + rand() * 2.5, start + turnLen - t);
      phrases.push({ start: t, end: t + len, amp, f0: f0s[speaker % f0s.length]! * (0.95 + rand() * 0.1) });
      t += len + 0.2 + rand() * 0.4;
    }
    turns.push({ start, end: phrases[phrases.length - 1]!.end, speaker, lufs });
    t = phrases[phrases.length - 1]!.end;
    if (!long.end && t >= opts.seconds * 0.4 && t + longPause < end - 4) {
      long = { start: t, end: t + longPause };
      t += longPause;
    } else {
      t += 1 + rand();
    }
    // Not strictly alternating, so every speaker follows every other one.
    turnIndex++;
    speaker = TURN_ORDER[turnIndex % TURN_ORDER.length]! % speakers.length;
  }

  const noiseRand = prng((opts.seed ?? 1) * 7919 + 1);
  // Paul Kellet's pink-noise filter on white noise.
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  let phase = 0;
  let idx = 0;
  await writeWav(file, { sampleRate, channels: 1, seconds: opts.seconds }, (i, out) => {
    const time = i / sampleRate;
    while (idx < phrases.length && phrases[idx]!.end <= time) idx++;
    const p = phrases[idx];
    let voice = 0;
    if (p && time >= p.start) {
      const local = time - p.start;
      const f0 = p.f0 * (1 + 0.12 * sin01(local * 0.7) + 0.03 * sin01(local * 5.3));
      phase += f0 / sampleRate;
      let s = 0;
      for (let k = 1; k <= 8; k++) s += (1 / k) * (k === 3 || k === 4 ? 1.8 : 1) * (k === 7 ? 1.4 : 1) * sin01(phase * k);
      const syl = Math.abs(sin01(local * 2.25));
      const edge = Math.min(1, local / 0.03, (p.end - time) / 0.03);
      const burst = (local * 4.5) % 1 < 0.01 ? 1.6 : 1;
      voice = p.amp * s * Math.sqrt(syl) * edge * burst;
    }
    const w = noiseRand() * 2 - 1;
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 - w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    const pink = (b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362) * 0.11;
    b6 = w * 0.115926;
    // pink has an RMS of about 0.3: scaled to about −60 dBFS.
    const hum = 0.003 * sin01(time * 50) + 0.002 * sin01(time * 60) + 0.001 * sin01(time * 150);
    out[0] = voice + pink * 0.0033 + hum;
  });
  return { seconds: opts.seconds, turns, longPause: long };
}
