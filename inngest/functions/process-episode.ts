import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { inngest } from "@/inngest/client";
import { failureReason, inStep } from "@/inngest/errors";
import { processCancelled, processRequested } from "@/inngest/events";
import {
  completeProcessing,
  failProcessing,
  isProcessingActive,
  loadProcessingJob,
  opusKeyFor,
  reportProcessing,
  storeProcessingOutput,
  workDirFor,
} from "@/lib/data/processing";
import { AppError } from "@/lib/errors";
import { MediaError, analyseRecording, inspectMedia, masterEpisode, measureRecording, planLeveling, type LevelPlan, type LoudnessStats } from "@/lib/media";
import { getStorage } from "@/lib/storage";
import { announceEpisodeChange, webSubHubs } from "@/lib/websub";
import { targetLufs, type ProcessingOptions } from "@/lib/validation/processing";

/** Where each stage sits in the run's overall progress (0–1). */
const STAGES = {
  "inspect inputs": [0, 0.05],
  "measure loudness": [0.05, 0.3],
  "clean up, master and encode": [0.3, 0.97],
  "store result": [0.97, 1],
} as const;
type Stage = keyof typeof STAGES;

/**
 * Progress reporting for a stage, plus an abort signal that fires when the processing is
 * cancelled from the dashboard or API (checked every couple of seconds while ffmpeg runs).
 */
function stageContext(processingId: string, stage: Stage) {
  const [from, to] = STAGES[stage];
  const abort = new AbortController();
  let lastCheck = 0;
  const onProgress = (fraction: number) => {
    void reportProcessing(processingId, { step: stage, progress: from + (to - from) * Math.min(1, Math.max(0, fraction)) }).catch(() => undefined);
    const now = Date.now();
    if (now - lastCheck > 2000) {
      lastCheck = now;
      void isProcessingActive(processingId).then((active) => active || abort.abort());
    }
  };
  return { onProgress, signal: abort.signal };
}

/** What the episode page shows about the leveler: its report, or why it stepped aside. */
function levelerStats(plan: LevelPlan | null | undefined) {
  if (!plan) return { applied: false, reason: "Speaker leveling was off for this processing." };
  if (!plan.applied) return { applied: false, reason: plan.reason };
  return { applied: true, predictedLufs: plan.predictedLufs, ...plan.report };
}

/**
 * A local copy of a stored file for ffmpeg, on the machine this step runs on (with S3, a
 * download into this instance's cache). Steps hand each other storage keys, never these paths.
 */
function fetchLocal(file: { key: string }): Promise<string>;
function fetchLocal(file: { key: string } | null): Promise<string | null>;
async function fetchLocal(file: { key: string } | null): Promise<string | null> {
  return file ? getStorage().localPath(file.key) : null;
}

/**
 * Runs ffmpeg work on local copies. When ffmpeg blames a file, first make sure the copies are
 * still there: one that vanished meanwhile (a pruned cache, a lost disk) is the server's fault,
 * not a damaged recording, so the step fails as ours (retried, fetching the files again).
 */
async function onLocalCopies<T>(files: (string | null)[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof MediaError && err.isUserError) {
      for (const file of files) {
        if (file && !(await fsp.access(file).then(() => true, () => false))) {
          throw new Error(`a local copy of an input went missing while ffmpeg read it: ${err.message}`, { cause: err });
        }
      }
    }
    throw err;
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export const processEpisode = inngest.createFunction(
  {
    id: "process-episode",
    name: "Process episode",
    retries: 2,
    triggers: [processRequested],
    // One run per episode, two per user; the executor's global cap applies on top.
    concurrency: [
      { key: "event.data.episodeId", limit: 1 },
      { key: "event.data.userId", limit: 2 },
    ],
    cancelOn: [{ event: processCancelled, match: "data.processingId" }],
    onFailure: async ({ event, error, step }) => {
      const { processingId } = event.data.event.data;
      // Records the reason (the file's fault, or ours) and removes the run's stored master and work folder.
      await step.run("record the failure", () => failProcessing(processingId, failureReason(error)));
    },
  },
  async ({ event, step, runId }) => {
    const { processingId } = event.data;

    const inputs = await step.run("inspect inputs", () =>
      inStep(async () => {
        const job = await loadProcessingJob(processingId);
        if (!job || !["queued", "running"].includes(job.processing.status)) return null;
        if (!job.source) throw new AppError("not_found", "The recording was deleted from the media library before processing started.");
        await reportProcessing(processingId, { runId, status: "running", step: "inspect inputs", progress: 0 });
        const audio = async (f: { key: string }, what: string) => {
          const file = await fetchLocal(f);
          const info = await onLocalCopies([file], () => inspectMedia(file));
          if (info.kind !== "audio") throw new AppError("unsupported_media", `The ${what} is not audio.`);
          return info;
        };
        const main = await audio(job.source, "recording");
        const bumper = async (f: typeof job.intro, what: string) =>
          f ? { key: f.key, durationSeconds: (await audio(f, what)).durationSeconds } : null;
        const options = job.processing.options;
        return {
          source: { key: job.source.key, durationSeconds: main.durationSeconds, channels: main.channels },
          intro: await bumper(job.intro, "intro"),
          outro: await bumper(job.outro, "outro"),
          options,
          channels: (options.channels === "mono" || (options.channels === "follow" && main.channels === 1) ? 1 : 2) as 1 | 2,
          tags: {
            title: job.episode.title,
            album: job.podcast.title,
            artist: job.podcast.author || undefined,
            track: job.episode.episodeNumber ?? undefined,
            year: (job.episode.publishAt ?? new Date()).getUTCFullYear(),
            comment: job.episode.description.replace(/<[^>]*>/g, "").slice(0, 500) || undefined,
            chapters: job.episode.chapters ?? undefined,
          },
          cover: job.cover ? { key: job.cover.key, mimeType: job.cover.mimeType } : null,
          // The podcast's renditions setting as it was when the run started.
          opus: job.podcast.opusRendition,
        };
      }),
    );
    if (!inputs) return { skipped: "the processing was cancelled or removed" };
    const o: ProcessingOptions = inputs.options;

    const measured = await step.run("measure loudness", () =>
      inStep(async () => {
        const ctx = stageContext(processingId, "measure loudness");
        const recording = await fetchLocal(inputs.source);
        const measureOpts = { channels: inputs.channels, highPassHz: o.highPass ? (80 as const) : (false as const), durationSeconds: inputs.source.durationSeconds, ...ctx };
        // Options stored before the leveler existed have no `leveler`: the default (on) applies.
        if (o.leveler ?? true) {
          // The leveler's analysis rides on the same decode; only its gain curve (~150 kB an hour)
          // and report travel on. A mono source is analysed in mono: ffmpeg's upmix puts each
          // channel 3 dB down, so the loudness is the same and the analysis costs half.
          const channels = Math.min(inputs.source.channels, inputs.channels) as 1 | 2;
          const result = await onLocalCopies([recording], () => analyseRecording(recording, { ...measureOpts, channels }));
          const leveling = planLeveling(result.analysis, { targetLufs: targetLufs(o) });
          return { loudness: result.loudness, durationSeconds: result.durationSeconds, ms: result.ms, leveling };
        }
        const result = await onLocalCopies([recording], () => measureRecording(recording, measureOpts));
        return { loudness: result.loudness, durationSeconds: result.durationSeconds, ms: result.ms, leveling: null };
      }),
    );

    // Masters in this machine's work folder and stores the MP3 before returning, so the next
    // step needs only its key (it may run on another instance, after this one's disk is gone).
    const mastered = await step.run("clean up, master and encode", () =>
      inStep(async () => {
        const ctx = stageContext(processingId, "clean up, master and encode");
        const workDir = workDirFor(processingId);
        try {
          const [recording, intro, outro, cover] = await Promise.all([
            fetchLocal(inputs.source),
            fetchLocal(inputs.intro),
            fetchLocal(inputs.outro),
            fetchLocal(inputs.cover),
          ]);
          await fsp.mkdir(workDir, { recursive: true });
          const result = await onLocalCopies([recording, intro, outro], async () =>
            masterEpisode({
              recording: { path: recording, durationSeconds: measured.durationSeconds, loudness: measured.loudness, channels: inputs.source.channels },
              leveling: measured.leveling?.applied ? { gainDeciDb: measured.leveling.gainDeciDb } : undefined,
              channels: inputs.channels,
              cleanUp: {
                highPassHz: o.highPass ? 80 : false,
                noiseReduction: o.noiseReduction,
                trimSilence: o.trimSilence,
                maxPauseSeconds: o.shortenPauses ? o.maxPauseSeconds : null,
              },
              intro: inputs.intro && intro ? { path: intro, durationSeconds: inputs.intro.durationSeconds } : undefined,
              outro: inputs.outro && outro ? { path: outro, durationSeconds: inputs.outro.durationSeconds } : undefined,
              crossfadeSeconds: o.crossfadeSeconds,
              target: { integratedLufs: targetLufs(o), truePeakDbtp: o.truePeakDbtp },
              bitrateKbps: o.bitrateKbps ?? undefined,
              tags: {
                ...inputs.tags,
                cover:
                  inputs.cover && cover
                    ? { mimeType: inputs.cover.mimeType as "image/jpeg" | "image/png", data: await fsp.readFile(cover) }
                    : undefined,
              },
              workDir,
              outputPath: path.join(workDir, "episode.mp3"),
              opus: inputs.opus ? { outputPath: path.join(workDir, "episode.opus") } : undefined,
              ...ctx,
            }),
          );
          // The waveform is small JSON (min/max pairs): it travels in the step result.
          const waveform = JSON.parse(await fsp.readFile(result.waveformPath, "utf8")) as Record<string, unknown>;
          const sha256 = await sha256File(result.outputPath);
          const opus = result.opus ? { sha256: await sha256File(result.opus.outputPath), sizeBytes: result.opus.sizeBytes, bitrateKbps: result.opus.bitrateKbps } : null;
          const key = await storeProcessingOutput(processingId, result.outputPath, { opus: result.opus?.outputPath });
          if (!key) return null;
          return {
            key,
            sha256,
            opus: opus && { ...opus, key: opusKeyFor(processingId) },
            sizeBytes: result.sizeBytes,
            durationSeconds: result.durationSeconds,
            waveform,
            silenceRemovedSeconds: result.silenceRemovedSeconds,
            normalisation: result.normalisation,
            output: result.output,
            verification: result.verification,
            encodes: result.encodes,
            ms: result.ms,
          };
        } finally {
          await fsp.rm(workDir, { recursive: true, force: true });
        }
      }),
    );
    if (!mastered) return { skipped: "the processing was cancelled" };

    // Database only (and clean-up after the commit): safe to run again, on any instance.
    const recorded = await step.run("store result", () =>
      inStep(async () => {
        await reportProcessing(processingId, { step: "store result", progress: STAGES["store result"][0] });
        const input: LoudnessStats = measured.loudness;
        return completeProcessing(processingId, {
          key: mastered.key,
          sha256: mastered.sha256,
          sizeBytes: mastered.sizeBytes,
          durationSeconds: mastered.durationSeconds,
          waveform: mastered.waveform,
          opus: mastered.opus ? { key: mastered.opus.key, sha256: mastered.opus.sha256, sizeBytes: mastered.opus.sizeBytes, channels: inputs.channels } : null,
          stats: {
            targetLufs: targetLufs(o),
            truePeakCeilingDbtp: o.truePeakDbtp,
            input: { integratedLufs: input.integratedLufs, lraLu: input.lraLu, truePeakDbtp: input.truePeakDbtp },
            output: mastered.output,
            normalisation: mastered.normalisation,
            verification: mastered.verification,
            encodes: mastered.encodes,
            leveler: levelerStats(measured.leveling),
            silenceRemovedSeconds: mastered.silenceRemovedSeconds,
            sourceDurationSeconds: inputs.source.durationSeconds,
            durationSeconds: mastered.durationSeconds,
            stepMs: { measure: measured.ms, master: mastered.ms },
            ...(mastered.opus ? { opus: { bitrateKbps: mastered.opus.bitrateKbps, sizeBytes: mastered.opus.sizeBytes } } : {}),
          },
        });
      }),
    );
    // A published episode's enclosure (and its length) changed: apps subscribed through a WebSub
    // hub must hear of it. Its own step, so a retried store never pings twice.
    if (recorded && webSubHubs().length > 0) await step.run("announce the feed change", () => inStep(() => announceEpisodeChange(event.data.episodeId)));
    return { durationSeconds: mastered.durationSeconds, output: mastered.output };
  },
);
