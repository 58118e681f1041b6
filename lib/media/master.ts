import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { WORK_SAMPLE_RATE, round3, startCleanUp, type CleanUpOptions } from "./clean-up";
import { MediaError } from "./errors";
import { COMMON_ARGS, rawInput, settlePipeline, startTool, throttleProgress, timeoutFor, userInput, type ProgressCallback } from "./ffmpeg";
import { buildId3Tag, type Id3Tags } from "./id3";
import { EBUR128, measureLoudness, parseEbur128Summary, type LoudnessStats } from "./loudness";
import type { Cut } from "./silence";
import { WaveformBuilder } from "./waveform";

export type LoudnessTarget = {
  /** −16 (podcast stereo), −19 (podcast mono), −23 (EBU R128) or any value in −40…−5. */
  integratedLufs: number;
  /** True-peak ceiling of the encoded file, dBTP. Default −1. */
  truePeakDbtp?: number;
  /** The widest loudness range kept as is (linear); wider input is levelled (dynamic). Default 11. */
  lraLu?: number;
};

export type Bumper = { path: string; durationSeconds: number; loudness?: LoudnessStats };

export type MasterOptions = {
  /**
   * The raw recording (a user file), its decoded length (inspectMedia), first-pass loudness
   * (measureRecording) and its own channels (inspectMedia; default: the episode's). A mono
   * recording of a stereo episode is cleaned up and levelled in mono and upmixed in the mix, as
   * ffmpeg upmixes anywhere (each channel 3 dB down): the same programme for half the work.
   */
  recording: { path: string; durationSeconds: number; loudness: LoudnessStats; channels?: number };
  /** Channels of the episode: 2 (stereo), 1 (mono); pass the input's (max 2) to follow it. */
  channels: 1 | 2;
  /**
   * The leveler's gain curve (planLeveling, from analyseRecording): applied in Node with a
   * limiter after it, instead of one gain for the whole recording. Also tightens the verification
   * to ±0.5 LU, since the curve predicts the result.
   */
  leveling?: { gainDeciDb: number[] };
  /** Clean-up switches, applied in the same pass. */
  cleanUp?: Omit<CleanUpOptions, "channels" | "durationSeconds" | "onProgress" | "signal">;
  intro?: Bumper;
  outro?: Bumper;
  /** Crossfade between intro/main and main/outro, seconds (default 1.5, shortened for short bumpers). */
  crossfadeSeconds?: number;
  target: LoudnessTarget;
  /** MP3 CBR bitrate; default 128 kbps stereo, 96 kbps mono. */
  bitrateKbps?: number;
  /** Room left under the ceiling before encoding, because MP3 encoding raises true peaks. Default 1 dB. */
  mp3HeadroomDb?: number;
  tags?: Id3Tags;
  /** Min/max pairs in the waveform (default 1500). */
  waveformPoints?: number;
  workDir: string;
  /** Where the tagged MP3 goes (written under a temporary name, then renamed). */
  outputPath: string;
  /**
   * Also write an Opus (Ogg) rendition of the same programme here: encoded from the very PCM the
   * MP3 encoder reads (one decode, one mix), at 48 kHz, loudness-matched to the MP3.
   */
  opus?: { outputPath: string; bitrateKbps?: number };
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
};

/**
 * linear: one gain for the whole recording (loudnorm's linear mode, done with `volume`).
 * limited: the same single gain, with a look-ahead peak limiter catching the few peaks (plosives)
 *   it would push over the ceiling — still linear for everything under the ceiling.
 * dynamic: loudnorm's dynamic levelling, for recordings whose loudness range is wider than allowed
 *   (or whose peaks would need more than 6 dB of limiting).
 * levelled: the leveler's gain curve (leveler.ts), then the peak limiter; gainDb is the flat
 *   correction added to the curve (the MP3 codec's loss, plus the miss if a second encode ran).
 */
export type NormalisationMode = "linear" | "limited" | "dynamic" | "levelled";

export type MasterResult = {
  outputPath: string;
  /** peaks.js / audiowaveform JSON (8-bit min/max pairs). */
  waveformPath: string;
  durationSeconds: number;
  sizeBytes: number;
  /** Length of the main recording after clean-up, and what trimming removed from it. */
  mainDurationSeconds: number;
  silenceRemovedSeconds: number;
  /** Removed stretches in recording seconds (see mapTimeThroughCuts). */
  cuts: Cut[];
  /** What was really applied (for dynamic, as loudnorm itself reported it); gainDb for linear/limited. */
  normalisation: { mode: NormalisationMode; gainDb: number | null };
  /** Encodes the run needed: 1, or 2 when the first missed and was corrected. */
  encodes: 1 | 2;
  /** Independent measurement of the encoded MP3 (ebur128 on the decoded file). */
  output: LoudnessStats;
  verification: { ok: true; attempts: 1 | 2; integratedErrorLu: number; truePeakMarginDb: number };
  /** The Opus rendition, when asked for (MasterOptions.opus). */
  opus?: { outputPath: string; sizeBytes: number; bitrateKbps: number };
  ms: number;
  ffmpegPeakRssBytes: number;
  /** CPU seconds of each process of the last pass (clean up, mix, encode, verify, opus), for the bench. */
  cpuSeconds: Record<string, number>;
};

const db2lin = (db: number) => 10 ** (db / 20);
const f2 = (n: number) => n.toFixed(2);

/** The most limiting we accept before preferring loudnorm's dynamic mode, dB. */
const MAX_LIMITING_DB = 6;

/**
 * loudnorm's own rule (af_loudnorm.c) decides linear vs dynamic: linear only when the gain keeps
 * the true peak under the ceiling and the loudness range is within the target. We add one step
 * between: when only a few peaks stand in the way (range fine, ≤ 6 dB over), keep the single gain
 * and limit those peaks — what a mastering engineer does, and far cheaper than loudnorm's dynamic
 * mode, which runs at 192 kHz.
 */
export function chooseNormalisation(
  measured: LoudnessStats,
  target: { integratedLufs: number; truePeakDbtp: number; lraLu: number },
): { mode: NormalisationMode; gainDb: number } {
  const gainDb = target.integratedLufs - measured.integratedLufs;
  const over = measured.truePeakDbtp + gainDb - target.truePeakDbtp;
  if (measured.integratedLufs <= -70 || measured.lraLu > target.lraLu) return { mode: "dynamic", gainDb };
  if (over <= 0) return { mode: "linear", gainDb };
  return { mode: over <= MAX_LIMITING_DB ? "limited" : "dynamic", gainDb };
}

/**
 * LAME below 192 kbps measures ~0.45 LU quieter than its input (ebur128, both bundled 2018 and
 * Debian 5.1 builds, sines and speech alike; 192k: 0.25; 256k and up: none). The leveler aims at
 * ±0.5 LU in one encode, so it pre-compensates; the whole-recording modes keep their ±1 LU check.
 */
export function mp3LoudnessLossDb(bitrateKbps: number): number {
  return bitrateKbps >= 256 ? 0 : bitrateKbps >= 192 ? 0.25 : 0.45;
}

/** The Opus rendition's bitrate: 48 kbps mono, 64 kbps stereo (transparent for speech at those rates). */
export function opusBitrateKbps(channels: 1 | 2): number {
  return channels === 1 ? 48 : 64;
}

/**
 * Opus's sample rate (libopus encodes 48, 24, 16, 12 or 8 kHz only; apps expect 48). The mix is at
 * 44.1 kHz for the MP3, so the Opus branch resamples.
 */
export const OPUS_SAMPLE_RATE = 48_000;

/** alimiter works on sample peaks; inter-sample peaks of speech at 44.1 kHz sit up to ~0.3 dB higher. */
const INTERSAMPLE_MARGIN_DB = 0.3;

function limiter(dbtp: number): string {
  const limit = Math.max(0.0625, db2lin(dbtp - INTERSAMPLE_MARGIN_DB));
  // level=0: no auto make-up gain (the 2018 default would undo our loudness).
  return `alimiter=limit=${limit.toFixed(4)}:level=0:attack=5:release=50`;
}

type Plan = {
  mode: NormalisationMode;
  gainDb: number;
  /** loudnorm's targets (dynamic mode). */
  loudnormI: number;
  loudnormTp: number;
  lra: number;
  /** Extra safety limiter on the whole mix (only on a corrective second attempt). */
  limiterDbtp?: number;
};

/**
 * loudnorm refuses measured values below -99 (digital silence measures a -144 dBTP peak): such a
 * recording is then mastered to silence and refused as empty after the run, as the user's file.
 */
const inLoudnormRange = (value: number, max: number) => Math.min(max, Math.max(-99, value));

/** The main recording's normalisation filter. */
function mainFilter(plan: Plan, m: LoudnessStats): string {
  // The curve is already in the samples (GainApplier, in Node): only peaks are left to hold.
  if (plan.mode === "levelled") return limiter(plan.limiterDbtp ?? plan.loudnormTp);
  if (plan.mode === "linear") return `volume=${f2(plan.gainDb)}dB`;
  if (plan.mode === "limited") return `volume=${f2(plan.gainDb)}dB,${limiter(plan.loudnormTp)}`;
  // Dynamic mode runs at 192 kHz inside loudnorm; come back to 44.1 kHz at once.
  return (
    `loudnorm=I=${f2(plan.loudnormI)}:TP=${f2(plan.loudnormTp)}:LRA=${f2(plan.lra)}` +
    `:measured_I=${f2(inLoudnormRange(m.integratedLufs, 0))}:measured_LRA=${f2(Math.min(99, m.lraLu))}` +
    `:measured_TP=${f2(inLoudnormRange(m.truePeakDbtp, 99))}:measured_thresh=${f2(inLoudnormRange(m.thresholdLufs, 0))}` +
    `:linear=true:print_format=json,aresample=${WORK_SAMPLE_RATE}`
  );
}

/** Gain that brings a bumper to the target loudness without pushing its true peak over the ceiling. */
export function bumperGainDb(l: LoudnessStats, targetLufs: number, tpLimit: number): number {
  if (l.integratedLufs <= -70) return 0;
  return Math.min(targetLufs - l.integratedLufs, tpLimit - l.truePeakDbtp);
}

/** The whole mix graph: [intro] + main + [outro] with crossfades, as float PCM at 44.1 kHz. */
export function buildMixGraph(o: {
  channels: 1 | 2;
  /** Channels of the main input (the cleaned recording); upmixed to `channels` first when fewer. */
  mainChannels?: 1 | 2;
  mainInput: number;
  intro?: { input: number; gainDb: number };
  outro?: { input: number; gainDb: number };
  mainFilter: string;
  crossfadeIn: number;
  crossfadeOut: number;
  limiterDbtp?: number;
}): string {
  const fmt = `aformat=sample_fmts=flt:sample_rates=${WORK_SAMPLE_RATE}:channel_layouts=${o.channels === 1 ? "mono" : "stereo"}`;
  // Upmix before the normalisation, so its limiter and loudnorm see the episode's channels.
  const upmix = (o.mainChannels ?? o.channels) < o.channels ? `${fmt},` : "";
  const parts: string[] = [`[${o.mainInput}:a]${upmix}${o.mainFilter},${fmt}[main]`];
  let last = "main";
  if (o.intro) {
    parts.push(`[${o.intro.input}:a]aresample=${WORK_SAMPLE_RATE},${fmt},volume=${f2(o.intro.gainDb)}dB[intro]`);
    parts.push(`[intro][main]acrossfade=d=${o.crossfadeIn.toFixed(3)}:c1=tri:c2=tri[im]`);
    last = "im";
  }
  if (o.outro) {
    parts.push(`[${o.outro.input}:a]aresample=${WORK_SAMPLE_RATE},${fmt},volume=${f2(o.outro.gainDb)}dB[outro]`);
    parts.push(`[${last}][outro]acrossfade=d=${o.crossfadeOut.toFixed(3)}:c1=tri:c2=tri[imo]`);
    last = "imo";
  }
  parts.push(`[${last}]${o.limiterDbtp !== undefined ? limiter(o.limiterDbtp) : "anull"}[out]`);
  return parts.join(";");
}

function parseLoudnormType(log: string): NormalisationMode | undefined {
  const m = /"normalization_type"\s*:\s*"(\w+)"/.exec(log);
  return m?.[1] === "linear" ? "linear" : m?.[1] === "dynamic" ? "dynamic" : undefined;
}

/**
 * Clean-up + normalise + assemble + encode + verify + waveform in one pass over the recording,
 * as a pipeline of four ffmpeg processes so two cores share it:
 *   clean (decode, high-pass, afftdn) → Node (trim silence, shorten pauses) → mix (gain, limiter or
 *   loudnorm; bumpers levelled; crossfades) → encode (MP3 CBR, tee'd to the work file and a pipe)
 *   → verify (decode the encoded bytes, ebur128 true-peak measurement, mono PCM for the waveform).
 * If the encoded file misses the target (±1 LU, true peak ≤ ceiling) the mix is corrected and
 * encoded once more; a second miss throws MediaError("verification"). Writes the tagged MP3 to
 * `outputPath` and `waveform.json` to `workDir`, both via temporary names.
 */
export async function masterEpisode(opts: MasterOptions): Promise<MasterResult> {
  const started = Date.now();
  await fsp.mkdir(opts.workDir, { recursive: true });
  const channels = opts.channels;
  const ceiling = opts.target.truePeakDbtp ?? -1;
  const lra = Math.min(20, Math.max(1, opts.target.lraLu ?? 11));
  const headroom = opts.mp3HeadroomDb ?? 1;
  const targetI = opts.target.integratedLufs;
  const bitrate = opts.bitrateKbps ?? (channels === 1 ? 96 : 128);

  // Bumpers are seconds long: measuring them separately is cheap (unless the caller already did).
  const measureBumper = async (b?: Bumper) =>
    b ? (b.loudness ?? (await measureLoudness(b.path, { channels, durationSeconds: b.durationSeconds, signal: opts.signal }))) : undefined;
  const [introLoudness, outroLoudness] = await Promise.all([measureBumper(opts.intro), measureBumper(opts.outro)]);

  const half = (s: number) => Math.max(0, s / 2 - 0.01);
  const xf = opts.crossfadeSeconds ?? 1.5;
  const crossfadeIn = opts.intro ? Math.min(xf, half(opts.intro.durationSeconds), half(opts.recording.durationSeconds)) : 0;
  const crossfadeOut = opts.outro ? Math.min(xf, half(opts.outro.durationSeconds), half(opts.recording.durationSeconds)) : 0;
  const expectedSeconds =
    (opts.intro?.durationSeconds ?? 0) + opts.recording.durationSeconds + (opts.outro?.durationSeconds ?? 0) - crossfadeIn - crossfadeOut;

  const internalTp = ceiling - headroom;
  const codecLoss = opts.leveling ? mp3LoudnessLossDb(bitrate) : 0;
  const first = opts.leveling
    ? { mode: "levelled" as const, gainDb: codecLoss }
    : chooseNormalisation(opts.recording.loudness, { integratedLufs: targetI, truePeakDbtp: internalTp, lraLu: lra });
  // The leveler predicts its result, so it is held to the listener's tolerance; the whole-
  // recording modes keep the looser check they always had.
  const tolerance = opts.leveling ? 0.5 : 1;
  let plan: Plan = { ...first, loudnormI: targetI, loudnormTp: internalTp, lra };
  const progress = throttleProgress(opts.onProgress);
  const encodedPath = path.join(opts.workDir, "encoded.mp3");
  const opus = opts.opus ? { outputPath: opts.opus.outputPath, bitrateKbps: opts.opus.bitrateKbps ?? opusBitrateKbps(channels) } : undefined;
  if (opus) await fsp.mkdir(path.dirname(opus.outputPath), { recursive: true });
  let peakRss = 0;

  for (let attempt = 1 as 1 | 2; ; attempt = 2) {
    const run = await mixEncodeVerify({
      opts,
      channels,
      bitrate,
      plan,
      introGain: introLoudness ? bumperGainDb(introLoudness, targetI + codecLoss, plan.limiterDbtp ?? internalTp) : 0,
      outroGain: outroLoudness ? bumperGainDb(outroLoudness, targetI + codecLoss, plan.limiterDbtp ?? internalTp) : 0,
      crossfadeIn,
      crossfadeOut,
      expectedSeconds,
      encodedPath,
      opus,
      onProgress: attempt === 1 ? progress : undefined,
    });
    peakRss = Math.max(peakRss, run.peakRss);
    const errorLu = run.output.integratedLufs - targetI;
    const tpMargin = ceiling - run.output.truePeakDbtp;
    if (Math.abs(errorLu) <= tolerance && tpMargin >= 0) {
      const tagged = await writeTaggedMp3(encodedPath, opts.outputPath, opts.tags ?? {}, run.durationSeconds);
      progress.finish();
      return {
        outputPath: opts.outputPath,
        waveformPath: run.waveformPath,
        durationSeconds: round3(run.durationSeconds),
        sizeBytes: tagged,
        mainDurationSeconds: round3(run.mainSeconds),
        silenceRemovedSeconds: round3(run.cuts.reduce((sum, c) => sum + c.seconds, 0)),
        cuts: run.cuts.map((c) => ({ at: round3(c.at), seconds: round3(c.seconds) })),
        normalisation: { mode: run.mode, gainDb: run.mode === "dynamic" ? null : round3(plan.gainDb) },
        encodes: attempt,
        output: run.output,
        verification: { ok: true, attempts: attempt, integratedErrorLu: round3(errorLu), truePeakMarginDb: round3(tpMargin) },
        ...(opus ? { opus: { ...opus, sizeBytes: (await fsp.stat(opus.outputPath)).size } } : {}),
        ms: Date.now() - started,
        ffmpegPeakRssBytes: peakRss,
        cpuSeconds: run.cpuSeconds,
      };
    }
    const removeOutputs = () => Promise.all([fsp.rm(encodedPath, { force: true }), opus && fsp.rm(opus.outputPath, { force: true })]);
    if (run.output.integratedLufs <= -69) {
      // Nothing loud enough to gate in (silence, or a few seconds left after trimming): no
      // correction can reach a target, and loudnorm's own ranges would be exceeded.
      await removeOutputs();
      throw new MediaError("empty", "After clean-up there is no measurable speech or music left: the recording is silent or too short.");
    }
    if (attempt === 2) {
      await removeOutputs();
      throw new MediaError(
        "verification",
        "The mastered episode missed the loudness target even after a correction.",
        `integrated ${run.output.integratedLufs} LUFS (target ${targetI}), true peak ${run.output.truePeakDbtp} dBTP (ceiling ${ceiling})`,
      );
    }
    // Correct once: shift the level by the miss, lower the peak target by the overshoot (+0.3 dB
    // margin), and let a limiter hold the new peak target across the whole mix.
    const tpCut = tpMargin < 0 ? -tpMargin + 0.3 : 0;
    if (plan.mode === "levelled") {
      // Shift the whole curve by the miss; the limiter holds the lowered peak target.
      plan = { ...plan, gainDb: plan.gainDb - errorLu, loudnormTp: internalTp - tpCut, limiterDbtp: internalTp - tpCut };
      continue;
    }
    const corrected = chooseNormalisation(
      { ...opts.recording.loudness, integratedLufs: opts.recording.loudness.integratedLufs + errorLu },
      { integratedLufs: targetI, truePeakDbtp: internalTp - tpCut, lraLu: lra },
    );
    // loudnorm accepts I in −70…−5 LUFS and TP in −9…0 dBTP.
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
    plan = {
      ...corrected,
      loudnormI: clamp(plan.loudnormI - errorLu, -70, -5),
      loudnormTp: clamp(plan.loudnormTp - tpCut, -9, 0),
      lra,
      limiterDbtp: internalTp - tpCut,
    };
  }
}

async function mixEncodeVerify(a: {
  opts: MasterOptions;
  channels: 1 | 2;
  bitrate: number;
  plan: Plan;
  introGain: number;
  outroGain: number;
  crossfadeIn: number;
  crossfadeOut: number;
  expectedSeconds: number;
  encodedPath: string;
  opus?: { outputPath: string; bitrateKbps: number };
  onProgress?: ProgressCallback;
}): Promise<{
  output: LoudnessStats;
  mode: NormalisationMode;
  durationSeconds: number;
  mainSeconds: number;
  cuts: Cut[];
  waveformPath: string;
  peakRss: number;
  cpuSeconds: Record<string, number>;
}> {
  const { opts, channels, plan } = a;
  // The recording's own channels, up to the episode's: clean-up and leveler work at this width.
  const recordingChannels = Math.min(opts.recording.channels ?? channels, channels) as 1 | 2;
  const timeoutMs = timeoutFor(a.expectedSeconds * 2);
  const inputs: string[] = [];
  let n = 0;
  const intro = opts.intro ? { input: n++, gainDb: a.introGain } : undefined;
  if (opts.intro) inputs.push(...userInput(opts.intro.path));
  const mainInput = n++;
  inputs.push(...rawInput("pipe:0", WORK_SAMPLE_RATE, recordingChannels));
  const outro = opts.outro ? { input: n++, gainDb: a.outroGain } : undefined;
  if (opts.outro) inputs.push(...userInput(opts.outro.path));
  const graph = buildMixGraph({
    channels,
    mainChannels: recordingChannels,
    mainInput,
    intro,
    outro,
    mainFilter: mainFilter(plan, opts.recording.loudness),
    crossfadeIn: a.crossfadeIn,
    crossfadeOut: a.crossfadeOut,
    // In levelled mode the main branch's limiter already holds the corrected peak target.
    limiterDbtp: plan.mode === "levelled" ? undefined : plan.limiterDbtp,
  });

  const partial = `${a.encodedPath}.partial`;
  const clean = startCleanUp(opts.recording.path, {
    ...opts.cleanUp,
    channels: recordingChannels,
    durationSeconds: opts.recording.durationSeconds,
    gain: plan.mode === "levelled" && opts.leveling ? { deciDb: opts.leveling.gainDeciDb, offsetDb: plan.gainDb } : undefined,
    signal: opts.signal,
  });
  const mix = startTool(
    "ffmpeg",
    [...COMMON_ARGS, "-v", "info", ...inputs, "-filter_complex", graph, "-map", "[out]", "-f", "f32le", "-ac", String(channels), "-ar", String(WORK_SAMPLE_RATE), "pipe:1"],
    { stdin: "pipe", stdout: "pipe", timeoutMs, signal: opts.signal, label: "mix" },
  );
  const encode = startTool(
    "ffmpeg",
    [
      ...COMMON_ARGS, "-v", "error", "-progress", "pipe:2",
      ...rawInput("pipe:0", WORK_SAMPLE_RATE, channels),
      // LAME -q 7: a quarter to a third less CPU than the default -q 3 (the encode is most of the
      // pass); at a fixed 96–128 kbps for speech the difference is not audible.
      "-map", "0:a", "-c:a", "libmp3lame", "-b:a", `${a.bitrate}k`, "-compression_level", "7",
      // One encode, two copies: the work file (seekable, so it gets its Xing/LAME header) and a
      // pipe to the verifier. Tags are added afterwards by buildId3Tag.
      "-f", "tee", `[f=mp3:id3v2_version=0]file:${partial}|[f=mp3:id3v2_version=0]pipe:1`,
    ],
    { stdin: mix.stdout!, stdout: "pipe", timeoutMs, signal: opts.signal, expectedSeconds: a.expectedSeconds, onProgress: a.onProgress, label: "encode" },
  );
  const verify = startTool(
    "ffmpeg",
    [
      ...COMMON_ARGS, "-v", "info",
      "-protocol_whitelist", "pipe", "-format_whitelist", "mp3", "-f", "mp3", "-i", "pipe:0",
      "-filter_complex", `[0:a]asplit=2[m][w];[m]${EBUR128}[measured]`,
      "-map", "[measured]", "-f", "null", "-",
      // Waveform: mono 16-bit at the native rate; Node keeps only per-10 ms min/max.
      "-map", "[w]", "-ac", "1", "-f", "s16le", "pipe:1",
    ],
    { stdin: encode.stdout!, stdout: "pipe", timeoutMs, signal: opts.signal, label: "verify" },
  );
  // The Opus rendition reads the same PCM as the MP3 encoder (Node pipes the mix's output to
  // both), in a process of its own so the two encodes share the cores. LAME's loss is taken off
  // first: the mix is pre-compensated for it, Opus keeps the level, and the two must match.
  const opusPartial = a.opus ? `${a.opus.outputPath}.partial` : undefined;
  const opusEncode = a.opus
    ? startTool(
        "ffmpeg",
        [
          ...COMMON_ARGS, "-v", "error",
          ...rawInput("pipe:0", WORK_SAMPLE_RATE, channels),
          "-af", `volume=${f2(-mp3LoudnessLossDb(a.bitrate))}dB,aresample=${OPUS_SAMPLE_RATE}`,
          // VBR (libopus's default) at the nominal rate. Complexity 3: the bundled 2018 libopus
          // spends 48 s of CPU on an hour of stereo at the default 10, 32 s at 3 (Debian's: 15 s
          // at 5, 13 s at 3); at 48-64 kbps of speech the difference is not one a listener hears.
          "-c:a", "libopus", "-b:a", `${a.opus.bitrateKbps}k`, "-compression_level", "3",
          ...opusMetadata(opts.tags),
          // Bit-exact: no random Ogg stream serial, so the same programme gives the same bytes
          // and processing again reuses the stored file, as it does the MP3.
          "-fflags", "+bitexact", "-flags:a", "+bitexact",
          "-f", "ogg", `file:${opusPartial}`,
        ],
        { stdin: mix.stdout!, timeoutMs, signal: opts.signal, label: "opus" },
      )
    : undefined;
  const waveform = new WaveformBuilder(WORK_SAMPLE_RATE);
  const readWaveform = (async () => {
    for await (const chunk of verify.stdout! as AsyncIterable<Buffer>) waveform.push(chunk);
  })();

  let results;
  try {
    results = await settlePipeline([clean.proc, mix, encode, verify, ...(opusEncode ? [opusEncode] : [])], [clean.pump(mix.stdin!), readWaveform]);
  } catch (err) {
    await fsp.rm(partial, { force: true });
    if (opusPartial) await fsp.rm(opusPartial, { force: true });
    // The decoder failing is the recording's fault; anything else is ours (and retriable).
    if (err instanceof MediaError && err.code === "failed" && err.detail?.startsWith("clean up:")) {
      throw new MediaError("corrupt", "The recording could not be decoded to the end.", err.detail);
    }
    throw err;
  }
  await fsp.rename(partial, a.encodedPath);
  if (opusPartial) await fsp.rename(opusPartial, a.opus!.outputPath);
  const mode = plan.mode === "dynamic" ? (parseLoudnormType(results[1]!.log) ?? "dynamic") : plan.mode;
  const waveformPath = path.join(opts.workDir, "waveform.json");
  await fsp.writeFile(`${waveformPath}.partial`, JSON.stringify(waveform.toJson(opts.waveformPoints ?? 1500)));
  await fsp.rename(`${waveformPath}.partial`, waveformPath);
  return {
    output: parseEbur128Summary(results[3]!.log),
    mode,
    durationSeconds: waveform.durationSeconds,
    mainSeconds: clean.trimmer.outputSamples / recordingChannels / WORK_SAMPLE_RATE,
    cuts: clean.trimmer.cuts,
    waveformPath,
    peakRss: Math.max(...results.map((r) => r.peakRssBytes)),
    cpuSeconds: Object.fromEntries(["clean up", "mix", "encode", "verify", "opus"].slice(0, results.length).map((k, i) => [k, results[i]!.cpuMs / 1000])),
  };
}

/** Vorbis comments of the Opus file: the programme's names (its cover and chapters stay in the MP3). */
function opusMetadata(tags: Id3Tags | undefined): string[] {
  const out: string[] = [];
  const add = (key: string, value: string | number | undefined) => {
    // "key=value" is one argument: a value can never be read as an option of its own.
    if (value !== undefined && value !== "") out.push("-metadata", `${key}=${String(value).replace(/[\r\n]+/g, " ")}`);
  };
  add("title", tags?.title);
  add("album", tags?.album);
  add("artist", tags?.artist);
  add("date", tags?.year);
  return out;
}

/** Tag + MP3 stream → output, via a temporary name. Returns the file's size. */
async function writeTaggedMp3(encodedPath: string, outputPath: string, tags: Id3Tags, durationSeconds: number): Promise<number> {
  await fsp.mkdir(path.dirname(outputPath), { recursive: true });
  const partial = `${outputPath}.partial`;
  const out = fs.createWriteStream(partial);
  out.write(buildId3Tag(tags, durationSeconds));
  await pipeline(fs.createReadStream(encodedPath), out);
  await fsp.rename(partial, outputPath);
  return (await fsp.stat(outputPath)).size;
}
