import "server-only";
import { open } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { JSON_CHAPTERS_CONTENT_TYPE, toJsonChapters } from "@/lib/chapters";
import { notFound } from "@/lib/errors";
import { getPublicCover, getPublishedEpisode, getPublishedTranscript, getPublishedWaveform } from "@/lib/data/public";
import { openStoredFile } from "@/lib/data/stored-file";
import { serveRanges } from "@/lib/http/ranges";
import { TRANSCRIPT_CONTENT_TYPES, formatSrt, formatVtt, parseTranscript, type TranscriptFormat } from "@/lib/transcripts";

/**
 * The public files of podcasts and episodes besides the feed and the audio: covers, waveform,
 * chapters and transcripts. Anyone may fetch them (web players on other sites too, hence CORS);
 * private podcasts and unpublished episodes answer 404 like unknown ones.
 */
const PUBLIC_HEADERS = { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" };

type PodcastParams = { slug: string };
type EpisodeParams = { slug: string; episode: string };

const COVER_TYPES = { jpg: "image/jpeg", png: "image/png" } as const;

/** A cover image; 404 when its type is not the URL's extension (feeds must not lie about it). */
export function coverRoute(ext: keyof typeof COVER_TYPES) {
  return open<Partial<EpisodeParams> & PodcastParams>(async ({ req, params }) => {
    return serveCover(req, await getPublicCover(params.slug, params.episode), ext, PUBLIC_HEADERS);
  });
}

/** A cover file as a ranged response; 404 when its type is not the URL's extension. Shared with app/s/serve.ts. */
export async function serveCover(req: Request, file: Parameters<typeof openStoredFile>[0] & { mimeType: string }, ext: keyof typeof COVER_TYPES, headers: Record<string, string>) {
  if (file.mimeType !== COVER_TYPES[ext]) throw notFound("Cover");
  return serveRanges(req, await openStoredFile(file), headers);
}

/** Peaks of a published episode's audio, for the public player. */
export const waveformRoute = open<EpisodeParams>(async ({ params }) => {
  const waveform = await getPublishedWaveform(params.slug, params.episode);
  if (!waveform) throw notFound("Waveform");
  return json(waveform, 200, PUBLIC_HEADERS);
});

/** Podcasting 2.0 JSON chapters of a published episode. */
export const chaptersRoute = open<EpisodeParams>(async ({ params }) => {
  const { episode } = await getPublishedEpisode(params.slug, params.episode);
  return chaptersResponse(episode, PUBLIC_HEADERS);
});

/** An episode's chapters as Podcasting 2.0 JSON. Shared with app/s/serve.ts. */
export function chaptersResponse(episode: { chapters: { startSeconds: number; title: string }[] | null }, headers: Record<string, string>) {
  if (!episode.chapters?.length) throw notFound("Chapters");
  return new Response(JSON.stringify(toJsonChapters(episode.chapters)), {
    headers: { ...headers, "Content-Type": JSON_CHAPTERS_CONTENT_TYPE },
  });
}

/** A published episode's transcript in either format: the stored file as uploaded, or converted from it. */
export function transcriptRoute(format: TranscriptFormat) {
  return open<EpisodeParams>(async ({ params }) => {
    return transcriptResponse(await getPublishedTranscript(params.slug, params.episode), format, PUBLIC_HEADERS);
  });
}

/** A stored transcript in `format` (converted when stored in the other). Shared with app/s/serve.ts. */
export function transcriptResponse(stored: { text: string; format: TranscriptFormat }, format: TranscriptFormat, headers: Record<string, string>) {
  let body = stored.text;
  if (stored.format !== format) {
    const parsed = parseTranscript(stored.text, stored.format);
    if (!parsed.ok) throw notFound("Transcript");
    body = format === "vtt" ? formatVtt(parsed.cues) : formatSrt(parsed.cues);
  }
  return new Response(body, {
    headers: { ...headers, "Content-Type": `${TRANSCRIPT_CONTENT_TYPES[format]}; charset=utf-8` },
  });
}
