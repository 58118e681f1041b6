import "server-only";
import { inngest } from "@/inngest/client";
import { feedChanged } from "@/inngest/events";
import { getFeedOfEpisode, getPublicPodcastSlug } from "@/lib/data/public";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { publicBaseUrl, urls } from "@/lib/urls";

/**
 * WebSub (W3C): the feed names the hubs of WEBSUB_HUB_URL (`<atom:link rel="hub">`), and every
 * change to a public feed is announced to them by the ping-websub-hubs function, so podcast apps
 * subscribed there hear of a new episode within seconds instead of at their next poll.
 */

/** The configured hubs, each once. */
export function webSubHubs(): string[] {
  return [...new Set(getEnv().WEBSUB_HUB_URL)];
}

/**
 * Queues the hub pings for a podcast's feed. Never fails the caller: the change itself is
 * saved, and a missed ping only delays apps to their next poll.
 */
export async function announceFeedChange(change: { userId: string; podcastId: string }): Promise<void> {
  if (webSubHubs().length === 0) return;
  try {
    await inngest.send(feedChanged.create(change));
  } catch (err) {
    log.warn("websub: could not queue the hub ping", { podcastId: change.podcastId, err });
  }
}

/** Announces a change to an episode, if it is in a public feed (published, public show). */
export async function announceEpisodeChange(episodeId: string): Promise<void> {
  if (webSubHubs().length === 0) return;
  const feed = await getFeedOfEpisode(episodeId).catch(() => null);
  if (feed) await announceFeedChange(feed);
}

/** The URL hubs are told (the feed's atom:link rel="self"), or null when the feed is not public. */
export async function publicFeedUrl(podcastId: string): Promise<string | null> {
  const slug = await getPublicPodcastSlug(podcastId);
  return slug ? urls.feed(publicBaseUrl(), slug) : null;
}

/** One WebSub publish ping (`hub.mode=publish&hub.url=…`); throws unless the hub answers 2xx. */
export async function pingHub(hub: string, feedUrl: string): Promise<void> {
  // Hubs are operator configuration, not user input (tests/outbound-fetch.test.ts lists this exception).
  const res = await fetch(hub, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ "hub.mode": "publish", "hub.url": feedUrl }).toString(),
    redirect: "error",
    signal: AbortSignal.timeout(15_000),
  });
  await res.body?.cancel().catch(() => undefined);
  if (res.status < 200 || res.status > 299) throw new Error(`The hub answered ${res.status}.`);
}
