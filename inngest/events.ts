import { eventType } from "inngest";
import { z } from "zod";

/**
 * Every event the app sends, with its schema. Each carries `data.userId`, the owner of what it
 * is about, so the runs it starts are shown to that user (lib/data/runs.ts) and to no one else.
 */
const owned = { userId: z.uuid() };

/** An episode should go live at `publishAt` (ISO date). */
export const episodePublishScheduled = eventType("episode/publish.scheduled", {
  schema: z.object({ ...owned, episodeId: z.uuid(), publishAt: z.iso.datetime() }),
});

/** Master an episode as its `episode_processing` row describes. */
export const processRequested = eventType("episode/process.requested", {
  schema: z.object({ ...owned, episodeId: z.uuid(), processingId: z.uuid() }),
});

/** Stop a processing run (the row is already marked cancelled). */
export const processCancelled = eventType("episode/process.cancelled", {
  schema: z.object({ ...owned, episodeId: z.uuid(), processingId: z.uuid() }),
});

/** Cancel an episode's pending scheduled publish (it is rescheduled, published now or unpublished). */
export const publishCancelled = eventType("episode/publish.cancelled", {
  schema: z.object({ ...owned, episodeId: z.uuid() }),
});

/** Import a podcast from another host's feed, as its `imports` row says (a re-import syncs). */
export const importRequested = eventType("podcast/import.requested", {
  schema: z.object({ ...owned, importId: z.uuid() }),
});

/** Import one episode of an import (one event per episode; each ends by sending the next). */
export const importEpisodeRequested = eventType("podcast/import.episode.requested", {
  schema: z.object({ ...owned, importId: z.uuid(), itemId: z.uuid() }),
});

/** A public podcast's feed changed: tell the WebSub hubs (WEBSUB_HUB_URL). */
export const feedChanged = eventType("podcast/feed.changed", {
  schema: z.object({ ...owned, podcastId: z.uuid() }),
});

