import { eventType } from "inngest";
import { z } from "zod";

/**
 * Every event the app sends, with its schema. Each carries `data.userId`, the owner of what it
 * is about, so the runs it starts are shown to that user (lib/data/runs.ts) and to no one else.
 */
const owned = { userId: z.uuid() };

/** An episode's audio was uploaded and should be processed. */
export const episodeUploaded = eventType("episode/uploaded", {
  schema: z.object({ ...owned, episodeId: z.uuid(), mediaFileId: z.uuid() }),
});

/** An episode should go live at `publishAt` (ISO date). */
export const episodePublishScheduled = eventType("episode/publish.scheduled", {
  schema: z.object({ ...owned, episodeId: z.uuid(), publishAt: z.iso.datetime() }),
});

/** Stop whatever is still running for an episode (processing, a scheduled publish). */
export const episodeJobsCancelled = eventType("episode/jobs.cancelled", {
  schema: z.object({ ...owned, episodeId: z.uuid() }),
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

/** A public podcast's feed changed: tell the WebSub hubs (WEBSUB_HUB_URL). */
export const feedChanged = eventType("podcast/feed.changed", {
  schema: z.object({ ...owned, podcastId: z.uuid() }),
});

export const events = [episodeUploaded, episodePublishScheduled, episodeJobsCancelled, processRequested, processCancelled, publishCancelled, feedChanged] as const;
