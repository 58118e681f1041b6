import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { db, tables } from "@/db";
import { transaction } from "@/db/tx";
import { bumpFeedVersionOfEpisode } from "./feed-version";
import { inngest } from "@/inngest/client";
import { episodePublishScheduled, publishCancelled } from "@/inngest/events";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { announceFeedChange } from "@/lib/websub";
import { requireEpisodeRole } from "./access";
import { recordActivity } from "./activity";
import { getEpisode, type Episode } from "./episodes";

/** Why an episode cannot be published yet, in words, or null when it can. */
async function publishBlocker(episode: Episode): Promise<string | null> {
  const [active] = await db
    .select({ id: tables.episodeProcessing.id })
    .from(tables.episodeProcessing)
    .where(and(eq(tables.episodeProcessing.episodeId, episode.id), inArray(tables.episodeProcessing.status, ["queued", "running"])))
    .limit(1);
  if (!episode.audioFileId) {
    return active
      ? "The episode's audio is still being processed. Publish it when processing has finished."
      : "The episode has no audio yet. Process a recording first.";
  }
  return null;
}

/**
 * Publishes one of the viewer's episodes now, or schedules it for `at` (a durable job sleeps until
 * then, across restarts). Rescheduling replaces the pending schedule. Only episodes with ready
 * audio can be published; the error says why otherwise.
 */
export async function publishEpisode(viewer: Viewer, episodeId: string, at?: Date | null): Promise<Episode> {
  await requireEpisodeRole(viewer, episodeId, "editor");
  const episode = await getEpisode(viewer, episodeId);
  const blocker = await publishBlocker(episode);
  if (blocker) throw new AppError("conflict", blocker);
  const now = new Date();
  await inngest.send(publishCancelled.create({ userId: viewer.userId, episodeId }));
  if (!at || at.getTime() <= now.getTime()) {
    await transaction(async (tx) => {
      await tx
        .update(tables.episodes)
        .set({ status: "published", publishedAt: episode.publishedAt ?? now, publishAt: null, updatedAt: now })
        .where(eq(tables.episodes.id, episodeId));
      await bumpFeedVersionOfEpisode(tx, episodeId);
      await recordActivity(viewer, episode.podcastId, "episode.published", episode.title, tx);
    });
  } else {
    await transaction(async (tx) => {
      await tx.update(tables.episodes).set({ status: "scheduled", publishAt: at, updatedAt: now }).where(eq(tables.episodes.id, episodeId));
      await bumpFeedVersionOfEpisode(tx, episodeId);
      await recordActivity(viewer, episode.podcastId, "episode.scheduled", episode.title, tx);
    });
    await inngest.send(episodePublishScheduled.create({ userId: viewer.userId, episodeId, publishAt: at.toISOString() }));
  }
  // In the feed now, or taken out of it by a new schedule.
  const updated = await getEpisode(viewer, episodeId);
  if (updated.status === "published" || episode.status === "published") await announceFeedChange({ userId: viewer.userId, podcastId: episode.podcastId });
  return updated;
}

/** Takes an episode off the feed and public pages (or cancels its schedule); it stays ready. */
export async function unpublishEpisode(viewer: Viewer, episodeId: string): Promise<Episode> {
  await requireEpisodeRole(viewer, episodeId, "editor");
  const episode = await getEpisode(viewer, episodeId);
  if (episode.status !== "published" && episode.status !== "scheduled") {
    throw new AppError("conflict", "The episode is not published or scheduled.");
  }
  await inngest.send(publishCancelled.create({ userId: viewer.userId, episodeId }));
  await transaction(async (tx) => {
    await tx
      .update(tables.episodes)
      .set({ status: episode.audioFileId ? "ready" : "draft", publishAt: null, updatedAt: new Date() })
      .where(eq(tables.episodes.id, episodeId));
    await bumpFeedVersionOfEpisode(tx, episodeId);
    await recordActivity(viewer, episode.podcastId, "episode.unpublished", episode.title, tx);
  });
  if (episode.status === "published") await announceFeedChange({ userId: viewer.userId, podcastId: episode.podcastId });
  return getEpisode(viewer, episodeId);
}

/**
 * The scheduled publish itself (called by the publish-episode function when it wakes). It only
 * publishes if the episode is still scheduled for that very time, so a stale job whose schedule
 * was changed or cancelled does nothing. Returns whether it published.
 */
export async function publishScheduledEpisode(episodeId: string, publishAt: Date): Promise<boolean> {
  const now = new Date();
  return transaction(async (tx) => {
    const rows = await tx
      .update(tables.episodes)
      .set({ status: "published", publishedAt: publishAt, publishAt: null, updatedAt: now })
      .where(and(eq(tables.episodes.id, episodeId), eq(tables.episodes.status, "scheduled"), eq(tables.episodes.publishAt, publishAt)))
      .returning({ id: tables.episodes.id });
    if (rows.length > 0) await bumpFeedVersionOfEpisode(tx, episodeId);
    return rows.length > 0;
  });
}
