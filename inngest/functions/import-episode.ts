import { inngest } from "@/inngest/client";
import { importEpisodeRequested } from "@/inngest/events";
import {
  claimNextImportItems,
  createImportedEpisode,
  downloadEpisodeAudio,
  failImportItem,
  importEpisodeExtras,
  publishImportedEpisode,
  settleImport,
} from "@/lib/data/imports";
import { failureReason, userErrorsFinal } from "./import-podcast";

/**
 * Imports one episode of an import: a draft with the old feed's metadata, the enclosure
 * downloaded as it is, the transcript, chapters and cover, then published at its original date.
 * Media that cannot be fetched leaves the draft with its notes and the reason on the import.
 * Each run ends by sending the next pending episode of its import (see import-podcast.ts).
 *
 * Concurrency: at most two of a user's episode steps at a time, and four over all users, so
 * that imports leave the executor's other slots (EXECUTOR_CONCURRENCY) to mastering.
 */
export const importEpisode = inngest.createFunction(
  {
    id: "import-episode",
    name: "Import episode",
    retries: 3,
    triggers: [importEpisodeRequested],
    concurrency: [
      { key: "event.data.userId", limit: 2 },
      { scope: "fn", limit: 4 },
    ],
    onFailure: async ({ event, error, step }) => {
      const { userId, importId, itemId } = event.data.event.data;
      await step.run("record the failure", () => failImportItem(importId, itemId, `The episode could not be imported: ${failureReason(error)}`));
      const next = await step.run("pick the next episode", () => claimNextImportItems(importId, 1, itemId));
      if (next.length) await step.sendEvent("start the next episode", next.map((id) => importEpisodeRequested.create({ userId, importId, itemId: id })));
      else await step.run("finish the import", () => settleImport(importId));
    },
  },
  async ({ event, step }) => {
    const { userId, importId, itemId } = event.data;
    const viewer = { userId };
    const created = await step.run("create the episode", () => createImportedEpisode(viewer, importId, itemId));
    if (!created.done) {
      const audio = await step.run("download the audio", () => userErrorsFinal(() => downloadEpisodeAudio(viewer, importId, itemId)));
      if ("error" in audio) {
        await step.run("keep it as a draft", () => failImportItem(importId, itemId, audio.error));
      } else {
        if (created.extras) {
          await step.run("fetch the transcript, chapters and cover", () => importEpisodeExtras(viewer, importId, itemId, created.episodeId));
        }
        await step.run("publish the episode", () => publishImportedEpisode(viewer, importId, itemId, created.episodeId, audio.fileId));
      }
    }
    const next = await step.run("pick the next episode", () => claimNextImportItems(importId, 1, itemId));
    if (next.length) {
      await step.sendEvent("start the next episode", next.map((id) => importEpisodeRequested.create({ userId, importId, itemId: id })));
    } else {
      await step.run("finish the import", () => settleImport(importId));
    }
    return { episodeId: created.episodeId };
  },
);
