import "server-only";
import { chaptersResponse, serveCover, transcriptResponse } from "@/app/p/serve";
import { open } from "@/lib/api/handler";
import { getSubscriberCover, getSubscriberEpisode, getSubscriberTranscript } from "@/lib/data/subscriber-feed";
import type { TranscriptFormat } from "@/lib/transcripts";

/**
 * The files a subscriber's feed links to besides the audio (covers, chapters, transcripts), under
 * their own token: /s/<token>/…. A revoked or rotated token answers 404 like an unknown one.
 * Private to that listener: no shared cache may keep them past a revocation.
 */
const SUBSCRIBER_HEADERS = { "Cache-Control": "private, max-age=300", "Access-Control-Allow-Origin": "*" };

type FeedParams = { token: string };
type EpisodeParams = { token: string; episode: string };

export function subscriberCoverRoute(ext: "jpg" | "png") {
  return open<Partial<EpisodeParams> & FeedParams>(async ({ req, params }) =>
    serveCover(req, await getSubscriberCover(params.token, params.episode), ext, SUBSCRIBER_HEADERS),
  );
}

export const subscriberChaptersRoute = open<EpisodeParams>(async ({ params }) =>
  chaptersResponse((await getSubscriberEpisode(params.token, params.episode)).episode, SUBSCRIBER_HEADERS),
);

export function subscriberTranscriptRoute(format: TranscriptFormat) {
  return open<EpisodeParams>(async ({ params }) => transcriptResponse(await getSubscriberTranscript(params.token, params.episode), format, SUBSCRIBER_HEADERS));
}
