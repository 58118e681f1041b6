import { inngest } from "@/inngest/client";
import { inStep } from "@/inngest/errors";
import { episodePublishScheduled, publishCancelled } from "@/inngest/events";
import { publishScheduledEpisode } from "@/lib/data/publishing";
import { announceEpisodeChange } from "@/lib/websub";

/**
 * Publishes an episode at its scheduled time. The sleep is durable: it survives restarts, and a
 * newer schedule (or unpublishing) cancels it. Publishing re-checks the episode, so a schedule
 * that changed meanwhile is a no-op.
 */
export const publishEpisode = inngest.createFunction(
  {
    id: "publish-episode",
    name: "Publish episode",
    retries: 5,
    triggers: [episodePublishScheduled],
    cancelOn: [{ event: publishCancelled, match: "data.episodeId" }],
  },
  async ({ event, step }) => {
    const at = new Date(event.data.publishAt);
    await step.sleepUntil("wait until the publish time", at);
    const published = await step.run("publish", () => inStep(() => publishScheduledEpisode(event.data.episodeId, at)));
    if (published) await step.run("announce the feed change", () => inStep(() => announceEpisodeChange(event.data.episodeId)));
    return { published };
  },
);
