import type { Metadata } from "next";
import Link from "next/link";
import { EmbedButton } from "@/components/embed-button";
import { EpisodeListen, type ListenCue } from "@/components/episode-listen";
import { JsonLd } from "@/components/json-ld";
import { ShowChrome } from "@/components/show-chrome";
import { ShowNotes } from "@/components/show-notes";
import { formatChapterTime } from "@/lib/chapters";
import { getPublishedTranscript } from "@/lib/data/public";
import { embedIframe } from "@/lib/embed";
import { formatDuration } from "@/lib/format";
import { notesText } from "@/lib/markdown";
import { podcastEpisodeLd } from "@/lib/structured-data";
import { cueSpeaker, cueText, parseTranscript } from "@/lib/transcripts";
import { urls } from "@/lib/urls";
import { formatPublicDate, loadBaseUrl, loadEpisode } from "../../load";

type Props = { params: Promise<{ slug: string; episode: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug, episode: episodeSlug } = await params;
  const [{ podcast, episode }, base] = await Promise.all([loadEpisode(slug, episodeSlug), loadBaseUrl()]);
  const title = `${episode.title} · ${podcast.title}`;
  const description = notesText(episode.description, 200) || `An episode of ${podcast.title}.`;
  const url = urls.episode(base, slug, episodeSlug);
  const cover = episode.cover
    ? { url: urls.episodeCover(base, slug, episodeSlug, episode.cover.mimeType), file: episode.cover }
    : podcast.cover && { url: urls.cover(base, slug, podcast.cover.mimeType), file: podcast.cover };
  const image = cover && { url: cover.url, width: cover.file.width ?? undefined, height: cover.file.height ?? undefined, alt: podcast.title };
  return {
    title: { absolute: title },
    description,
    alternates: {
      canonical: url,
      types: {
        "application/rss+xml": [{ url: urls.feed(base, slug), title: podcast.title }],
        "application/json+oembed": [{ url: urls.oembed(base, url), title }],
      },
    },
    openGraph: {
      type: "article",
      url,
      title,
      description,
      siteName: podcast.title,
      publishedTime: episode.publishedAt.toISOString(),
      images: image ? [image] : undefined,
      audio: [{ url: urls.audio(base, slug, episodeSlug), type: "audio/mpeg" }],
    },
    twitter: { card: "summary", title, description, images: image ? [image.url] : undefined },
  };
}

/** The transcript's cues for reading along, or null when the episode has none. */
async function transcriptCues(slug: string, episodeSlug: string): Promise<ListenCue[] | null> {
  const { text, format } = await getPublishedTranscript(slug, episodeSlug);
  const parsed = parseTranscript(text, format);
  if (!parsed.ok) return null;
  return parsed.cues.map((c) => ({ start: c.start, label: formatChapterTime(Math.floor(c.start)), speaker: cueSpeaker(c.text), text: cueText(c.text) }));
}

export default async function PublicEpisodePage({ params }: Props) {
  const { slug, episode: episodeSlug } = await params;
  const [{ podcast, episode }, base] = await Promise.all([loadEpisode(slug, episodeSlug), loadBaseUrl()]);
  const cues = episode.transcriptFormat ? await transcriptCues(slug, episodeSlug) : null;
  const chapters = (episode.chapters ?? []).map((c) => ({ ...c, label: formatChapterTime(c.startSeconds) }));
  const cover = episode.cover
    ? urls.episodeCover("", slug, episodeSlug, episode.cover.mimeType)
    : podcast.cover && urls.cover("", slug, podcast.cover.mimeType);
  const numbering = [
    episode.seasonNumber != null && `Season ${episode.seasonNumber}`,
    episode.episodeNumber != null && `Episode ${episode.episodeNumber}`,
    episode.episodeType !== "full" && (episode.episodeType === "trailer" ? "Trailer" : "Bonus"),
  ].filter(Boolean);
  return (
    <ShowChrome podcast={podcast}>
    <article className="max-w-3xl space-y-6">
      <JsonLd data={podcastEpisodeLd(podcast, episode, base)} />
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={urls.podcast("", slug)} className="text-[var(--accent-link)] underline">{podcast.title}</Link>
      </nav>
      <header className="flex flex-col gap-5 sm:flex-row">
        {cover && (
          // eslint-disable-next-line @next/next/no-img-element -- the cover is served by our own route, already sized for podcast apps
          <img src={cover} alt={`Cover of ${podcast.title}`} width={144} height={144} className="h-36 w-36 shrink-0 rounded-lg object-cover shadow" />
        )}
        <div className="space-y-2">
          <h1 className="text-2xl font-bold">{episode.title}</h1>
          <p className="text-sm text-slate-600">
            <time dateTime={episode.publishedAt.toISOString()}>{formatPublicDate(episode.publishedAt)}</time>
            {episode.durationSeconds != null && <> · {formatDuration(episode.durationSeconds)}</>}
            {numbering.length > 0 && <> · {numbering.join(", ")}</>}
          </p>
          {podcast.author && <p className="text-sm text-slate-600">by {podcast.author}</p>}
        </div>
      </header>

      <EpisodeListen
        src={urls.audio("", slug, episodeSlug)}
        waveformUrl={urls.waveform("", slug, episodeSlug)}
        title={episode.title}
        chapters={chapters}
        cues={cues}
      />

      {episode.description && (
        <section aria-labelledby="notes-heading" className="space-y-2">
          <h2 id="notes-heading" className="text-lg font-semibold">Show notes</h2>
          <ShowNotes notes={episode.description} seekLinks />
        </section>
      )}

      <p className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <a href={urls.audio("", slug, episodeSlug)} download={`${episodeSlug}.mp3`} className="text-indigo-700 underline">Download MP3</a>
        {episode.transcriptFormat && (
          <>
            <a href={urls.transcript("", slug, episodeSlug, "vtt")} className="text-indigo-700 underline">Transcript (WebVTT)</a>
            <a href={urls.transcript("", slug, episodeSlug, "srt")} className="text-indigo-700 underline">Transcript (SRT)</a>
          </>
        )}
        <Link href={urls.podcast("", slug)} className="text-indigo-700 underline">Subscribe to {podcast.title}</Link>
      </p>

      <EmbedButton code={embedIframe({ base, slug, episodeSlug, title: `${episode.title} · ${podcast.title}` })} />
    </article>
    </ShowChrome>
  );
}
