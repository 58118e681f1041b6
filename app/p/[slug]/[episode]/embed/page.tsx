import type { Metadata } from "next";
import { EmbedPlayer } from "@/components/embed-player";
import { formatChapterTime } from "@/lib/chapters";
import { urls } from "@/lib/urls";
import { loadBaseUrl, loadEpisode } from "../../../load";

type Props = {
  params: Promise<{ slug: string; episode: string }>;
  searchParams: Promise<{ theme?: string | string[] }>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug, episode: episodeSlug } = await params;
  const [{ podcast, episode }, base] = await Promise.all([loadEpisode(slug, episodeSlug, "/embed"), loadBaseUrl()]);
  // The episode page is the one to index; this is its frame-sized copy.
  return { title: { absolute: `${episode.title} · ${podcast.title}` }, robots: { index: false }, alternates: { canonical: urls.episode(base, slug, episodeSlug) } };
}

/**
 * The embeddable player (`<iframe src=…/embed>`), the one page other sites may frame (proxy.ts).
 * No show band or navigation (components/show-chrome.tsx is the pages' own): just the player, spanning the frame.
 */
export default async function EmbedPage({ params, searchParams }: Props) {
  const { slug, episode: episodeSlug } = await params;
  const theme = (await searchParams).theme === "dark" ? "dark" : "light";
  const [{ podcast, episode }, base] = await Promise.all([loadEpisode(slug, episodeSlug, "/embed"), loadBaseUrl()]);
  const cover = episode.cover
    ? urls.episodeCover("", slug, episodeSlug, episode.cover.mimeType)
    : podcast.cover && urls.cover("", slug, podcast.cover.mimeType);
  return (
    <main id="main" className="fixed inset-0 z-50 overflow-hidden">
      <EmbedPlayer
        src={urls.audio("", slug, episodeSlug)}
        waveformUrl={urls.waveform("", slug, episodeSlug)}
        episodeUrl={urls.episode(base, slug, episodeSlug)}
        title={episode.title}
        podcastTitle={podcast.title}
        cover={cover || null}
        chapters={(episode.chapters ?? []).map((c) => ({ ...c, label: formatChapterTime(c.startSeconds) }))}
        durationSeconds={episode.durationSeconds}
        theme={theme}
      />
    </main>
  );
}
