import { NonRetriableError } from "inngest";
import { inngest } from "@/inngest/client";
import { importEpisodeRequested, importRequested } from "@/inngest/events";
import { IMPORT_PARALLEL_EPISODES, claimNextImportItems, failImport, importPodcastCover, readImportFeed, settleImport } from "@/lib/data/imports";
import { AppError } from "@/lib/errors";
import { fetchFailure } from "@/lib/net/guarded-fetch";

/** The old host did not answer well (timeout, broken connection, 5xx): retried, then blamed on it. */
export class OldHostUnavailable extends Error {
  override name = "OldHostUnavailable";
}

/**
 * The Inngest boundary's mapper for imports: an AppError is the feed's or the other host's doing
 * (its message is written for the podcaster) and is not retried, except a timeout, a broken
 * connection or a server error at the other host, which may pass. Anything else is ours: retried.
 */
export async function userErrorsFinal<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError) {
      const f = fetchFailure(err);
      const transient = f === "timeout" || f === "network" || (f === "status" && Number(err.details?.status) >= 500);
      if (!transient) throw new NonRetriableError(err.message, { cause: err });
      throw new OldHostUnavailable(err.message, { cause: err });
    }
    throw err;
  }
}

/** A failed run's reason in words that blame the right party. */
export function failureReason(error: { name: string; message: string }): string {
  if (error.name === "NonRetriableError") return error.message;
  if (error.name === "OldHostUnavailable") return `${error.message} (still failing after several attempts; try again later).`;
  return "It failed on our side after several attempts. Try again; if it keeps failing, check the server logs.";
}

/**
 * Imports (or syncs) a podcast from its feed: one step reads the feed and lists the new
 * episodes, one imports the cover, then the first episodes are sent out, one event each. Each
 * episode's run sends the next when it ends, so an import keeps IMPORT_PARALLEL_EPISODES
 * downloads going and never floods the executor's queue ahead of mastering jobs.
 */
export const importPodcast = inngest.createFunction(
  {
    id: "import-podcast",
    name: "Import podcast",
    retries: 2,
    triggers: [importRequested],
    concurrency: [{ key: "event.data.userId", limit: 2 }],
    onFailure: async ({ event, error, step }) => {
      const { importId } = event.data.event.data;
      await step.run("record the failure", () => failImport(importId, failureReason(error)));
    },
  },
  async ({ event, step }) => {
    const { userId, importId } = event.data;
    const viewer = { userId };
    const feed = await step.run("fetch and parse the feed", () => userErrorsFinal(() => readImportFeed(viewer, importId)));
    if (feed.coverUrl) {
      const coverUrl = feed.coverUrl;
      await step.run("import the cover", () => importPodcastCover(viewer, importId, feed.podcastId, coverUrl));
    }
    const first = await step.run("queue the first episodes", () => claimNextImportItems(importId, IMPORT_PARALLEL_EPISODES, `import:${importId}`));
    if (first.length === 0) {
      await step.run("finish the import", () => settleImport(importId));
      return { podcastId: feed.podcastId, episodes: 0, skipped: feed.skipped };
    }
    await step.sendEvent(
      "start the first episodes",
      first.map((itemId) => importEpisodeRequested.create({ userId, importId, itemId })),
    );
    return { podcastId: feed.podcastId, episodes: feed.items, skipped: feed.skipped };
  },
);
