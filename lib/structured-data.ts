import type { PublicEpisode, PublicPodcast } from "@/lib/data/public";
import { notesText } from "@/lib/markdown";
import { urls } from "@/lib/urls";

/**
 * schema.org JSON-LD for the public pages, so search engines show a show and its episodes as a
 * podcast (https://schema.org/PodcastSeries, /PodcastEpisode).
 */

/** ISO 8601 duration: 3725 → "PT1H2M5S". */
export function isoDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `PT${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s % 60 || (!h && !m) ? `${s % 60}S` : ""}`;
}

function seriesRef(podcast: PublicPodcast, base: string) {
  return { "@type": "PodcastSeries", name: podcast.title, url: urls.podcast(base, podcast.slug), webFeed: urls.feed(base, podcast.slug) };
}

export function podcastSeriesLd(podcast: PublicPodcast, base: string) {
  return {
    "@context": "https://schema.org",
    ...seriesRef(podcast, base),
    description: notesText(podcast.description, 4000) || undefined,
    inLanguage: podcast.language,
    ...(podcast.cover ? { image: urls.cover(base, podcast.slug, podcast.cover.mimeType) } : {}),
    ...(podcast.author ? { author: { "@type": "Person", name: podcast.author } } : {}),
    ...(podcast.listenLinks.length ? { sameAs: podcast.listenLinks.map((l) => l.url) } : {}),
  };
}

export function podcastEpisodeLd(podcast: PublicPodcast, episode: PublicEpisode, base: string) {
  const duration = episode.durationSeconds != null ? isoDuration(episode.durationSeconds) : undefined;
  return {
    "@context": "https://schema.org",
    "@type": "PodcastEpisode",
    name: episode.title,
    url: urls.episode(base, podcast.slug, episode.slug),
    datePublished: episode.publishedAt.toISOString(),
    description: notesText(episode.description, 4000) || undefined,
    ...(episode.episodeNumber != null ? { episodeNumber: episode.episodeNumber } : {}),
    ...(duration ? { timeRequired: duration } : {}),
    associatedMedia: {
      "@type": "MediaObject",
      contentUrl: urls.audio(base, podcast.slug, episode.slug),
      encodingFormat: "audio/mpeg",
      contentSize: String(episode.audio.sizeBytes),
      ...(duration ? { duration } : {}),
    },
    partOfSeries: seriesRef(podcast, base),
  };
}

/** The JSON for a `<script type="application/ld+json">`: `<` escaped so no text can close the tag. */
export function jsonLdText(data: unknown): string {
  return JSON.stringify(data).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
