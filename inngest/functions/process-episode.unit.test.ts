import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { processEpisode } from "./process-episode";

/**
 * The function's orchestration with @inngest/test: steps are mocked by id, so this checks the
 * order of the durable steps and what flows between them, without ffmpeg. The real steps run in
 * process-episode.test.ts through the executor.
 */
const event = {
  name: "episode/process.requested" as const,
  data: { userId: crypto.randomUUID(), episodeId: crypto.randomUUID(), processingId: crypto.randomUUID() },
};

const inputs = {
  source: { key: "media/01/23/0123abcd-0000-4000-8000-000000000001", durationSeconds: 600, channels: 1 },
  intro: null,
  outro: null,
  options: { loudness: "podcast-stereo", customLufs: -16, truePeakDbtp: -1, channels: "stereo", bitrateKbps: null, leveler: false, highPass: true, noiseReduction: false, trimSilence: true, shortenPauses: false, maxPauseSeconds: 1.5, crossfadeSeconds: 1 },
  channels: 2,
  tags: { title: "T" },
  cover: null,
};

describe("process-episode (unit)", () => {
  it("runs inspect → measure → master → store, and returns the output loudness", async () => {
    const calls: string[] = [];
    const step = (id: string, value: unknown) => ({ id, handler: () => (calls.push(id), value) });
    const t = new InngestTestEngine({ function: processEpisode });
    const { result, ctx } = await t.execute({
      events: [event],
      steps: [
        step("inspect inputs", inputs),
        step("measure loudness", { loudness: { integratedLufs: -24, lraLu: 6, truePeakDbtp: -8, thresholdLufs: -34 }, durationSeconds: 600, ms: 1 }),
        step("clean up, master and encode", { key: `out/00/00/${event.data.processingId}`, sha256: "ab", waveform: { version: 2, data: [] }, durationSeconds: 598.2, sizeBytes: 1, silenceRemovedSeconds: 1.8, normalisation: { mode: "linear", gainDb: 8 }, output: { integratedLufs: -16.1, lraLu: 6, truePeakDbtp: -1.4, thresholdLufs: -26 }, verification: { ok: true, attempts: 1, integratedErrorLu: -0.1, truePeakMarginDb: 0.4 }, ms: 1 }),
        step("store result", undefined),
      ],
    });
    expect(calls).toEqual(["inspect inputs", "measure loudness", "clean up, master and encode", "store result"]);
    expect(result).toEqual({ durationSeconds: 598.2, output: { integratedLufs: -16.1, lraLu: 6, truePeakDbtp: -1.4, thresholdLufs: -26 } });
    expect(ctx.step.run).toHaveBeenCalledTimes(4);
  });

  it("stops after mastering when the processing was cancelled meanwhile", async () => {
    const t = new InngestTestEngine({ function: processEpisode });
    const { result, ctx } = await t.execute({
      events: [event],
      steps: [
        { id: "inspect inputs", handler: () => inputs },
        { id: "measure loudness", handler: () => ({ loudness: { integratedLufs: -24, lraLu: 6, truePeakDbtp: -8, thresholdLufs: -34 }, durationSeconds: 600, ms: 1 }) },
        { id: "clean up, master and encode", handler: () => null },
      ],
    });
    expect(result).toEqual({ skipped: "the processing was cancelled" });
    expect(ctx.step.run).toHaveBeenCalledTimes(3);
  });

  it("stops after inspecting when the processing was cancelled or removed", async () => {
    const t = new InngestTestEngine({ function: processEpisode });
    const { result, ctx } = await t.execute({ events: [event], steps: [{ id: "inspect inputs", handler: () => null }] });
    expect(result).toEqual({ skipped: "the processing was cancelled or removed" });
    expect(ctx.step.run).toHaveBeenCalledTimes(1);
  });
});
