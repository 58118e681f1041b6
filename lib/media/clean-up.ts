import type { Writable } from "node:stream";
import { MediaError } from "./errors";
import { COMMON_ARGS, startTool, timeoutFor, userInput, type ProgressCallback, type Running } from "./ffmpeg";
import { EBUR128, parseEbur128Summary, type LoudnessStats } from "./loudness";
import { GainApplier, LoudnessAnalyser, integratedLoudness, loudnessRange, type LoudnessAnalysis } from "./leveler";
import { SilenceTrimmer } from "./silence";

/** Every work file is 44.1 kHz: the MP3 rate, so nothing later resamples the hour again. */
export const WORK_SAMPLE_RATE = 44100;

export type CleanUpOptions = {
  /** Channels of the episode (1 or 2): converting here means the measurement matches the output. */
  channels: 1 | 2;
  /** High-pass corner in Hz (rumble, hum fundamental); 0 or false turns it off. Default 80. */
  highPassHz?: number | false;
  /** FFT noise reduction (afftdn; the bundled ffmpeg has no arnndn). Default true. */
  noiseReduction?: boolean;
  /** Trim leading and trailing silence (to 0.3 s). Default true. */
  trimSilence?: boolean;
  /** Shorten pauses longer than this many seconds to this length; null keeps pauses. Default 1.5. */
  maxPauseSeconds?: number | null;
  /** What counts as silence after clean-up, dBFS RMS. Default −50. */
  silenceThresholdDb?: number;
  /** The recording's length (from inspectMedia), for progress and the time limit. */
  durationSeconds?: number;
  /** The leveler's gain curve (planLeveling) plus a flat correction, applied in Node. */
  gain?: { deciDb: number[]; offsetDb: number };
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
};

export type RecordingMeasurement = {
  /** Loudness of the recording after the high-pass (the input figures for normalisation). */
  loudness: LoudnessStats;
  /** Seconds decoded. */
  durationSeconds: number;
  ms: number;
};

/** The clean-up filter chain, in the order that keeps it cheap: resample first so afftdn runs at 44.1 kHz. */
export function cleanUpFilter(opts: Pick<CleanUpOptions, "channels" | "highPassHz" | "noiseReduction">): string {
  const parts = [
    `aresample=${WORK_SAMPLE_RATE}`,
    `aformat=sample_fmts=flt:channel_layouts=${opts.channels === 1 ? "mono" : "stereo"}`,
  ];
  const hp = opts.highPassHz ?? 80;
  if (hp) parts.push(`highpass=f=${hp}`);
  // nf: the noise floor to aim for; tn: follow a floor that drifts during the recording.
  if (opts.noiseReduction ?? true) parts.push("afftdn=nr=12:nf=-50:tn=1");
  return parts.join(",");
}

/**
 * First pass: the recording's loudness (integrated, LRA, true peak, gate threshold), measured
 * after the same high-pass the clean-up applies. Cheap (decode + high-pass + ebur128, ~40x
 * realtime with the bundled ffmpeg) because the expensive clean-up (afftdn) runs only once, fused
 * into masterEpisode's single pass. Noise reduction and silence trimming barely move a gated
 * measurement (silence and noise fall under the gate); masterEpisode verifies the result anyway.
 */
export async function measureRecording(
  input: string,
  opts: Pick<CleanUpOptions, "channels" | "highPassHz" | "durationSeconds" | "onProgress" | "signal">,
): Promise<RecordingMeasurement> {
  const started = Date.now();
  const filter = `${cleanUpFilter({ ...opts, noiseReduction: false })},${EBUR128}`;
  const run = await startTool(
    "ffmpeg",
    [...COMMON_ARGS, "-v", "info", "-progress", "pipe:2", ...userInput(input), "-map", "0:a:0", "-af", filter, "-f", "null", "-"],
    {
      timeoutMs: timeoutFor(opts.durationSeconds ?? 6 * 3600),
      expectedSeconds: opts.durationSeconds,
      onProgress: opts.onProgress,
      signal: opts.signal,
      label: "measure loudness",
    },
  ).done.catch((err) => {
    if (err instanceof MediaError && err.code === "failed") {
      throw new MediaError("corrupt", "The recording could not be decoded to the end.", err.detail);
    }
    throw err;
  });
  const loudness = parseEbur128Summary(run.log);
  if (run.outSeconds < 0.05) throw new MediaError("empty", "The recording has no audio in it.");
  return { loudness, durationSeconds: round3(run.outSeconds), ms: Date.now() - started };
}

export type RecordingAnalysis = RecordingMeasurement & {
  /** K-weighted energy and peak per 100 ms on the recording's timeline, for planLeveling. */
  analysis: LoudnessAnalysis;
};

/**
 * First pass for the leveler: the same decode + resample + high-pass as measureRecording, but
 * the PCM comes to Node, which keeps K-weighted energy per 100 ms (BS.1770) and derives the
 * integrated loudness and loudness range from it; the gain curve needs the loudness over time,
 * which ebur128's summary does not give. `truePeakDbtp` is estimated by cubic interpolation at 4×
 * around the loudest samples (within ~0.2 dB of BS.1770's for speech; the leveler's limiter and
 * the verification of the encoded file hold the real ceiling).
 */
export async function analyseRecording(
  input: string,
  opts: Pick<CleanUpOptions, "channels" | "highPassHz" | "durationSeconds" | "onProgress" | "signal">,
): Promise<RecordingAnalysis> {
  const started = Date.now();
  const channels = opts.channels;
  const proc = startTool(
    "ffmpeg",
    [
      ...COMMON_ARGS, "-v", "error", "-progress", "pipe:2", ...userInput(input),
      "-map", "0:a:0", "-af", cleanUpFilter({ ...opts, noiseReduction: false }),
      "-f", "f32le", "-ac", String(channels), "-ar", String(WORK_SAMPLE_RATE), "pipe:1",
    ],
    {
      stdout: "pipe",
      timeoutMs: timeoutFor(opts.durationSeconds ?? 6 * 3600),
      expectedSeconds: opts.durationSeconds,
      onProgress: opts.onProgress,
      signal: opts.signal,
      label: "measure loudness",
    },
  );
  const analyser = new LoudnessAnalyser(WORK_SAMPLE_RATE, channels);
  const read = (async () => {
    let carry: Buffer = Buffer.alloc(0);
    const frameBytes = 4 * channels;
    for await (const chunk of proc.stdout! as AsyncIterable<Buffer>) {
      const { floats, rest } = toFloats(carry, chunk, frameBytes);
      carry = rest;
      analyser.push(floats);
    }
  })();
  await Promise.all([proc.done, read]).catch((err) => {
    proc.kill();
    if (err instanceof MediaError && err.code === "failed") {
      throw new MediaError("corrupt", "The recording could not be decoded to the end.", err.detail);
    }
    throw err;
  });
  const analysis = analyser.finish();
  if (analysis.seconds < 0.05) throw new MediaError("empty", "The recording has no audio in it.");
  const peak = analysis.truePeak;
  const loudness: LoudnessStats = {
    ...integratedLoudness(analysis.energies),
    lraLu: loudnessRange(analysis.energies),
    truePeakDbtp: peak > 0 ? Math.max(-144, round3(20 * Math.log10(peak))) : -144,
  };
  return { loudness, durationSeconds: round3(analysis.seconds), ms: Date.now() - started, analysis };
}

export type CleanUpStream = {
  /** The decoder + clean-up filter process. */
  proc: Running;
  /** Pumps the cleaned, trimmed PCM into `dest` (another ffmpeg's stdin); resolves at the end. */
  pump(dest: Writable): Promise<void>;
  trimmer: SilenceTrimmer;
};

/**
 * Starts the clean-up of a recording as a stream: ffmpeg decodes, high-passes and denoises to
 * float PCM, Node trims silence and shortens pauses (exact cuts, see silence.ts) on the way to the
 * next process. Nothing is written to disk.
 */
export function startCleanUp(input: string, opts: CleanUpOptions): CleanUpStream {
  const channels = opts.channels;
  const gain = opts.gain ? new GainApplier(opts.gain.deciDb, WORK_SAMPLE_RATE, channels, opts.gain.offsetDb) : undefined;
  const proc = startTool(
    "ffmpeg",
    [
      // One filter thread: afftdn's slice threads cost more in sync (sys time) than they save here,
      // and the other core is busy with the mix and encode processes of the same pipeline.
      ...COMMON_ARGS, "-v", "error", "-filter_threads", "1",
      ...userInput(input),
      "-map", "0:a:0", "-af", cleanUpFilter(opts),
      "-f", "f32le", "-ac", String(channels), "-ar", String(WORK_SAMPLE_RATE), "pipe:1",
    ],
    { stdout: "pipe", timeoutMs: timeoutFor((opts.durationSeconds ?? 6 * 3600) * 2), signal: opts.signal, label: "clean up" },
  );
  let batch: Buffer[] = [];
  const trimmer = new SilenceTrimmer(
    {
      sampleRate: WORK_SAMPLE_RATE,
      channels,
      thresholdDb: opts.silenceThresholdDb ?? -50,
      trimEdges: opts.trimSilence ?? true,
      edgeKeepSeconds: 0.3,
      maxPauseSeconds: opts.maxPauseSeconds === undefined ? 1.5 : opts.maxPauseSeconds,
      // Silence is judged on the cleaned signal, then the leveler's gain goes in (on the
      // recording's own timeline, before any cut).
      process: opts.gain ? (b) => gain!.apply(b) : undefined,
    },
    (block) => batch.push(Buffer.from(block.buffer, block.byteOffset, block.byteLength)),
  );
  const pump = async (dest: Writable) => {
    // A dead reader must not crash the process: its own error surfaces through settlePipeline.
    dest.on("error", () => {});
    // The trimmer emits 10 ms blocks; write them once per chunk read, not 100 times a second of audio.
    const flush = () => {
      if (!batch.length) return;
      const bytes = batch.length === 1 ? batch[0]! : Buffer.concat(batch);
      batch = [];
      dest.write(bytes);
    };
    let carry: Buffer = Buffer.alloc(0);
    for await (const chunk of proc.stdout! as AsyncIterable<Buffer>) {
      const { floats, rest } = toFloats(carry, chunk, 4);
      carry = rest;
      trimmer.push(floats);
      flush();
      // Back-pressure: wait for the reader before reading more, so memory stays flat.
      await drained(dest);
    }
    trimmer.end();
    flush();
    dest.end();
  };
  return { proc, pump, trimmer };
}

/** Resolves when a writable can take more, or is gone (a dead reader must not hang the pump). */
function drained(w: Writable): Promise<void> {
  if (!w.writableNeedDrain || w.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      w.off("drain", done);
      w.off("close", done);
      w.off("error", done);
      resolve();
    };
    w.on("drain", done);
    w.on("close", done);
    w.on("error", done);
  });
}

/**
 * Whole `unit`-byte groups of float PCM from a pipe chunk (plus the bytes left from the last one).
 * A fresh, aligned chunk is viewed in place (pipe chunks are not reused); otherwise copied.
 */
function toFloats(carry: Buffer, chunk: Buffer, unit: number): { floats: Float32Array; rest: Buffer } {
  const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
  const usable = buf.length - (buf.length % unit);
  const rest = Buffer.from(buf.subarray(usable));
  if (buf.byteOffset % 4 === 0) return { floats: new Float32Array(buf.buffer, buf.byteOffset, usable / 4), rest };
  const floats = new Float32Array(usable / 4);
  Buffer.from(floats.buffer).set(buf.subarray(0, usable));
  return { floats, rest };
}

export const round3 = (n: number) => Math.round(n * 1000) / 1000;
