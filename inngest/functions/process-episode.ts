import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { NonRetriableError } from "inngest";
import { inngest } from "@/inngest/client";
import { processCancelled, processRequested } from "@/inngest/events";
import {
  completeProcessing,
  failProcessing,
  isProcessingActive,
  loadProcessingJob,
  reportProcessing,
  workDirFor,
} from "@/lib/data/processing";
import { MediaError, analyseRecording, inspectMedia, masterEpisode, measureRecording, planLeveling, type LevelPlan, type LoudnessStats } from "@/lib/media";
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

/** A MediaError the file caused becomes a non-retriable failure with its plain-words reason. */
async function media<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof MediaError && err.isUserError) throw new NonRetriableError(err.reason, { cause: err });
    if (err instanceof MediaError && err.code === "cancelled") throw new NonRetriableError("The processing was cancelled.");
    throw err;
  }
}

/** What the episode page shows about the leveler: its report, or why it stepped aside. */
function levelerStats(plan: LevelPlan | null | undefined) {
  if (!plan) return { applied: false, reason: "Speaker leveling was off for this processing." };
  if (!plan.applied) return { applied: false, reason: plan.reason };
  return { applied: true, predictedLufs: plan.predictedLufs, ...plan.report };
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
      await step.run("record the failure", async () => {
        // Reasons from NonRetriableError are written for podcasters; anything else is ours.
        const reason =
          error.name === "NonRetriableError"
            ? error.message
            : "Processing failed on our side after several attempts. Try again; if it keeps failing, check the server logs.";
        await failProcessing(processingId, reason);
        await fsp.rm(workDirFor(processingId), { recursive: true, force: true });
      });
    },
  },
  async ({ event, step, runId }) => {
    const { processingId } = event.data;
    const workDir = workDirFor(processingId);

    const inputs = await step.run("inspect inputs", async () => {
      const job = await loadProcessingJob(processingId);
      if (!job || !["queued", "running"].includes(job.processing.status)) return null;
      if (!job.source) throw new NonRetriableError("The recording was deleted from the media library before processing started.");
      await reportProcessing(processingId, { runId, status: "running", step: "inspect inputs", progress: 0 });
      await fsp.mkdir(workDir, { recursive: true });
      const main = await media(() => inspectMedia(job.source!.path));
      if (main.kind !== "audio") throw new NonRetriableError("The recording is not audio.");
      const bumper = async (f: typeof job.intro, what: string) => {
        if (!f) return null;
        const info = await media(() => inspectMedia(f.path));
        if (info.kind !== "audio") throw new NonRetriableError(`The ${what} is not audio.`);
        return { path: f.path, durationSeconds: info.durationSeconds };
      };
      const options = job.processing.options;
      return {
        source: { path: job.source.path, durationSeconds: main.durationSeconds, channels: main.channels },
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
        cover: job.cover ? { path: job.cover.path, mimeType: job.cover.mimeType } : null,
      };
    });
    if (!inputs) return { skipped: "the processing was cancelled or removed" };
    const o: ProcessingOptions = inputs.options;

    const measured = await step.run("measure loudness", async () => {
      const ctx = stageContext(processingId, "measure loudness");
      const measureOpts = { channels: inputs.channels, highPassHz: o.highPass ? (80 as const) : (false as const), durationSeconds: inputs.source.durationSeconds, ...ctx };
      // Options stored before the leveler existed have no `leveler`: the default (on) applies.
      if (o.leveler ?? true) {
        // The leveler's analysis rides on the same decode; only its gain curve (~150 kB an hour)
        // and report travel on. A mono source is analysed in mono: ffmpeg's upmix puts each
        // channel 3 dB down, so the loudness is the same and the analysis costs half.
        const channels = Math.min(inputs.source.channels, inputs.channels) as 1 | 2;
        const result = await media(() => analyseRecording(inputs.source.path, { ...measureOpts, channels }));
        const leveling = planLeveling(result.analysis, { targetLufs: targetLufs(o) });
        return { loudness: result.loudness, durationSeconds: result.durationSeconds, ms: result.ms, leveling };
      }
      const result = await media(() => measureRecording(inputs.source.path, measureOpts));
      return { loudness: result.loudness, durationSeconds: result.durationSeconds, ms: result.ms, leveling: null };
    });

    const mastered = await step.run("clean up, master and encode", async () => {
      const ctx = stageContext(processingId, "clean up, master and encode");
      await fsp.mkdir(workDir, { recursive: true });
      const cover = inputs.cover
        ? { mimeType: inputs.cover.mimeType as "image/jpeg" | "image/png", data: await fsp.readFile(inputs.cover.path) }
        : undefined;
      const result = await media(() =>
        masterEpisode({
          recording: { path: inputs.source.path, durationSeconds: measured.durationSeconds, loudness: measured.loudness },
          leveling: measured.leveling?.applied ? { gainDeciDb: measured.leveling.gainDeciDb } : undefined,
          channels: inputs.channels,
          cleanUp: {
            highPassHz: o.highPass ? 80 : false,
            noiseReduction: o.noiseReduction,
            trimSilence: o.trimSilence,
            maxPauseSeconds: o.shortenPauses ? o.maxPauseSeconds : null,
          },
          intro: inputs.intro ?? undefined,
          outro: inputs.outro ?? undefined,
          crossfadeSeconds: o.crossfadeSeconds,
          target: { integratedLufs: targetLufs(o), truePeakDbtp: o.truePeakDbtp },
          bitrateKbps: o.bitrateKbps ?? undefined,
          tags: { ...inputs.tags, cover },
          workDir,
          outputPath: path.join(workDir, "episode.mp3"),
          ...ctx,
        }),
      );
      return {
        outputPath: result.outputPath,
        waveformPath: result.waveformPath,
        durationSeconds: result.durationSeconds,
        sizeBytes: result.sizeBytes,
        silenceRemovedSeconds: result.silenceRemovedSeconds,
        normalisation: result.normalisation,
        output: result.output,
        verification: result.verification,
        encodes: result.encodes,
        ms: result.ms,
      };
    });

    await step.run("store result", async () => {
      if (!(await isProcessingActive(processingId))) return;
      await reportProcessing(processingId, { step: "store result", progress: STAGES["store result"][0] });
      const waveform = JSON.parse(await fsp.readFile(mastered.waveformPath, "utf8")) as Record<string, unknown>;
      const input: LoudnessStats = measured.loudness;
      await completeProcessing(processingId, {
        outputPath: mastered.outputPath,
        sha256: await sha256File(mastered.outputPath),
        sizeBytes: mastered.sizeBytes,
        durationSeconds: mastered.durationSeconds,
        waveform,
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
        },
      });
      await fsp.rm(workDir, { recursive: true, force: true });
    });
    return { durationSeconds: mastered.durationSeconds, output: mastered.output };
  },
);
