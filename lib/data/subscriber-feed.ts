import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { db, tables } from "@/db";
import { notFound } from "@/lib/errors";
import { hashSubscriberToken, isSubscriberTokenShape } from "@/lib/subscriber-token";
import { coverFile, getEpisodeForSubscribers, getPodcastForSubscribers, listEpisodesForSubscribers, transcriptOf, type Enclosure, type PublicEpisode, type PublicPodcast } from "./public";

/**
 * What a subscriber's token opens (lib/data/subscribers.ts issues them): the show's feed with
 * every published episode, public and supporter-only, and the files the feed links to, private
 * show or not. An unknown, revoked or rotated token is not_found, like a missing page. Each
 * request looks the token up again, so a revocation takes effect on the very next one.
 */

export interface SubscriberAccess {
  subscriberId: string;
  podcastId: string;
  /** A stable key of this token (its hash), for caches: a rotated token gets a new one. */
  tokenKey: string;
  feedVersion: string;
  /** Whether the show has public pages (episode links in the feed go there when they exist). */
  publicPages: boolean;
}

/** The live subscriber of `token` and their show. */
export async function getSubscriberAccess(token: string): Promise<SubscriberAccess> {
  if (!isSubscriberTokenShape(token)) throw notFound("Feed");
  const tokenKey = hashSubscriberToken(token);
  const { podcastSubscribers: s, podcasts: p } = tables;
  const [row] = await db
    .select({ subscriberId: s.id, podcastId: p.id, feedVersion: p.feedVersion, isPrivate: p.isPrivate })
    .from(s)
    .innerJoin(p, eq(p.id, s.podcastId))
    .where(and(eq(s.tokenHash, tokenKey), isNull(s.revokedAt)));
  if (!row) throw notFound("Feed");
  return { subscriberId: row.subscriberId, podcastId: row.podcastId, tokenKey, feedVersion: row.feedVersion, publicPages: !row.isPrivate };
}

/** Notes that a subscriber's app fetched their feed. */
export async function touchSubscriber(subscriberId: string): Promise<void> {
  await db.update(tables.podcastSubscribers).set({ lastSeenAt: new Date() }).where(eq(tables.podcastSubscribers.id, subscriberId));
}

/** The show and its published episodes, supporter-only ones too, as the subscriber's feed lists them. */
export async function getSubscriberFeedContent(access: SubscriberAccess): Promise<{ podcast: PublicPodcast; episodes: PublicEpisode[] }> {
  const podcast = await getPodcastForSubscribers(access.podcastId);
  return { podcast, episodes: await listEpisodesForSubscribers(access.podcastId) };
}

/** One published episode of the subscriber's show, supporter-only or not. */
export async function getSubscriberEpisode(token: string, episodeSlug: string): Promise<{ access: SubscriberAccess; episode: PublicEpisode }> {
  const access = await getSubscriberAccess(token);
  return { access, episode: await getEpisodeForSubscribers(access.podcastId, episodeSlug) };
}

/** A published episode's enclosure, for the subscriber's audio URL. */
export async function getSubscriberEnclosure(token: string, episodeSlug: string, rendition: "mp3" | "opus" = "mp3"): Promise<Enclosure & { subscriberId: string }> {
  const { access, episode } = await getSubscriberEpisode(token, episodeSlug);
  let audio = episode.audio;
  if (rendition === "opus") {
    // The Opus rendition only while the podcast lists renditions (as on the public URL).
    const podcast = await getPodcastForSubscribers(access.podcastId);
    if (!podcast.opusRendition || !episode.opus) throw notFound("Episode");
    audio = episode.opus;
  }
  return {
    podcastId: access.podcastId,
    episodeId: episode.id,
    subscriberId: access.subscriberId,
    durationSeconds: episode.durationSeconds,
    audio: { id: audio.id, storageKey: audio.storageKey, mimeType: audio.mimeType, sha256: audio.sha256, createdAt: audio.createdAt },
  };
}

/** The cover of the subscriber's show, or of one of its published episodes. */
export async function getSubscriberCover(token: string, episodeSlug?: string) {
  if (episodeSlug) return coverFile((await getSubscriberEpisode(token, episodeSlug)).episode.cover?.id);
  const podcast = await getPodcastForSubscribers((await getSubscriberAccess(token)).podcastId);
  return coverFile(podcast.cover?.id);
}

/** The stored transcript of one of the subscriber's episodes. */
export async function getSubscriberTranscript(token: string, episodeSlug: string) {
  return transcriptOf((await getSubscriberEpisode(token, episodeSlug)).episode.id);
}
