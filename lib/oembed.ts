import "server-only";
import { AppError, notFound } from "@/lib/errors";
import { getPublicPodcast, getPublishedEpisode, listPublishedEpisodes } from "@/lib/data/public";
import { EMBED_HEIGHT, EMBED_WIDTH, embedIframe } from "@/lib/embed";
import { urls } from "@/lib/urls";

/** The oEmbed 1.0 answer for a rich embed (https://oembed.com §2.3.4). */
export interface OEmbed {
  version: "1.0";
  type: "rich";
  html: string;
  width: number;
  height: number;
  title: string;
  provider_name: string;
  provider_url: string;
  author_name?: string;
  thumbnail_url?: string;
  thumbnail_width?: number;
  thumbnail_height?: number;
}

/**
 * oEmbed for a public episode page (`/p/{slug}/{episode}`, or its `/embed`) or a show page
 * (`/p/{slug}`: its newest episode's player). Anything else — another host, another path, a
 * private show, a draft, a show with no episode yet — is not found, as the spec wants (404).
 */
export async function oembedFor(input: { url: string; base: string; maxwidth?: number; maxheight?: number }): Promise<OEmbed> {
  let target: URL;
  try {
    target = new URL(input.url);
  } catch {
    throw notFound("Embeddable page");
  }
  const base = new URL(input.base);
  if (target.host.toLowerCase() !== base.host.toLowerCase() || !/^https?:$/.test(target.protocol)) throw notFound("Embeddable page");
  const m = /^\/p\/([^/]+)(?:\/([^/]+)(?:\/embed)?)?\/?$/.exec(target.pathname);
  if (!m) throw notFound("Embeddable page");
  const slug = decodeSegment(m[1]!);
  let episodeSlug = m[2] ? decodeSegment(m[2]) : null;
  if (!episodeSlug) {
    const podcast = await getPublicPodcast(slug);
    const [newest] = await listPublishedEpisodes(podcast.id, { limit: 1 });
    if (!newest) throw notFound("Episode");
    episodeSlug = newest.slug;
  }
  const { podcast, episode } = await getPublishedEpisode(slug, episodeSlug);
  const width = Math.max(200, Math.min(EMBED_WIDTH, input.maxwidth ?? EMBED_WIDTH));
  const height = Math.max(120, Math.min(EMBED_HEIGHT, input.maxheight ?? EMBED_HEIGHT));
  const title = `${episode.title} · ${podcast.title}`;
  const cover = episode.cover
    ? { url: urls.episodeCover(input.base, slug, episodeSlug, episode.cover.mimeType), file: episode.cover }
    : podcast.cover && { url: urls.cover(input.base, slug, podcast.cover.mimeType), file: podcast.cover };
  return {
    version: "1.0",
    type: "rich",
    html: embedIframe({ base: input.base, slug, episodeSlug, title, width, height }),
    width,
    height,
    title,
    provider_name: "PodcastPro",
    provider_url: input.base,
    ...(podcast.author ? { author_name: podcast.author } : {}),
    // The spec wants the thumbnail's size with its URL; covers are measured at upload.
    ...(cover && cover.file.width && cover.file.height
      ? { thumbnail_url: cover.url, thumbnail_width: cover.file.width, thumbnail_height: cover.file.height }
      : {}),
  };
}

/** A path segment of the asked-for URL, decoded; broken percent-encoding names no page. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw notFound("Embeddable page");
  }
}

/** oEmbed's `format`: JSON only; XML (or anything else, not echoed back) is answered 501 Not Implemented, as the spec says. */
export function checkOembedFormat(format: string | null) {
  if (format && format !== "json") throw new AppError("not_implemented", "Only format=json is offered.");
}
