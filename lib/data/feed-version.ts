import "server-only";
import { eq, inArray } from "drizzle-orm";
import { tables, type Db } from "@/db";
import { newId } from "@/lib/ids";

/**
 * A podcast's feed version (`podcasts.feed_version`) changes with every write that can alter its
 * feed, in the same transaction, so the feed's ETag and its cached XML can be keyed by the
 * podcast row alone (lib/delivery/feed.ts). The rule is simple on purpose: every write to a
 * podcast or to one of its episodes bumps it, whether or not that episode is published;
 * `feed-version.test.ts` finds every such write in lib/data and checks it.
 */
export const newFeedVersion = () => newId();

/** Bumps the feed version of a podcast; call in the transaction of the write. */
export async function bumpFeedVersion(tx: Db, podcastId: string): Promise<void> {
  await tx.update(tables.podcasts).set({ feedVersion: newFeedVersion() }).where(eq(tables.podcasts.id, podcastId));
}

/** Bumps the feed version of an episode's podcast; call in the transaction of the write. */
export async function bumpFeedVersionOfEpisode(tx: Db, episodeId: string): Promise<void> {
  const ofEpisode = tx.select({ id: tables.episodes.podcastId }).from(tables.episodes).where(eq(tables.episodes.id, episodeId));
  await tx.update(tables.podcasts).set({ feedVersion: newFeedVersion() }).where(inArray(tables.podcasts.id, ofEpisode));
}
