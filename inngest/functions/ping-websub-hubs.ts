import { inngest } from "@/inngest/client";
import { feedChanged } from "@/inngest/events";
import { log } from "@/lib/log";
import { pingHub, publicFeedUrl, webSubHubs } from "@/lib/websub";

const RETRIES = 4;

/**
 * Tells each WebSub hub that a feed changed, one durable step per hub (a hub that is down is
 * retried alone, the others are not pinged twice). A hub still down after the retries is logged
 * for the operator and the run still completes: it is the server's problem, not the podcaster's.
 */
export const pingWebSubHubs = inngest.createFunction(
  { id: "ping-websub-hubs", name: "Tell WebSub hubs the feed changed", retries: RETRIES, triggers: [feedChanged] },
  async ({ event, step, attempt }) => {
    const feedUrl = await step.run("find the feed URL", () => publicFeedUrl(event.data.podcastId));
    if (!feedUrl) return { feedUrl: null, hubs: [] };
    const hubs = await Promise.all(
      webSubHubs().map((hub) =>
        step.run(`ping ${hub}`, async () => {
          try {
            await pingHub(hub, feedUrl);
            return { hub, ok: true };
          } catch (err) {
            if (attempt < RETRIES) throw err;
            const reason = err instanceof Error ? err.message : String(err);
            log.warn("websub: hub unreachable, gave up", { hub, feedUrl, reason });
            return { hub, ok: false, reason };
          }
        }),
      ),
    );
    return { feedUrl, hubs };
  },
);
