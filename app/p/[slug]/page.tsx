import type { Metadata } from "next";
import Link from "next/link";
import { CopyButton } from "@/components/copy-button";
import { JsonLd } from "@/components/json-ld";
import { ShowChrome } from "@/components/show-chrome";
import { ShowNotes } from "@/components/show-notes";
import { listPublishedEpisodes } from "@/lib/data/public";
import { formatDuration } from "@/lib/format";
import { notesText } from "@/lib/markdown";
import { podcastSeriesLd } from "@/lib/structured-data";
import { urls } from "@/lib/urls";
import { formatPublicDate, loadBaseUrl, loadPodcast } from "../load";

type Props = { params: Promise<{ slug: string }> };

/** The page lists this many of the newest episodes; the feed has them all. */
const EPISODES_SHOWN = 100;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug } = await params;
  const [podcast, base] = await Promise.all([loadPodcast(slug), loadBaseUrl()]);
  const description = notesText(podcast.description, 200) || `${podcast.title}, a podcast by ${podcast.author}.`;
  const url = urls.podcast(base, slug);
  const image = podcast.cover && { url: urls.cover(base, slug, podcast.cover.mimeType), width: podcast.cover.width ?? undefined, height: podcast.cover.height ?? undefined, alt: podcast.title };
  return {
    title: { absolute: podcast.title },
    description,
    alternates: {
      canonical: url,
      types: {
        "application/rss+xml": [{ url: urls.feed(base, slug), title: podcast.title }],
        "application/json+oembed": [{ url: urls.oembed(base, url), title: podcast.title }],
      },
    },
    openGraph: { type: "website", url, title: podcast.title, description, siteName: podcast.title, images: image ? [image] : undefined },
    twitter: { card: "summary", title: podcast.title, description, images: image ? [image.url] : undefined },
  };
}

export default async function PublicPodcastPage({ params }: Props) {
  const { slug } = await params;
  const [podcast, base] = await Promise.all([loadPodcast(slug), loadBaseUrl()]);
  const episodes = await listPublishedEpisodes(podcast.id, { limit: EPISODES_SHOWN });
  const feedUrl = urls.feed(base, slug);
  return (
    <ShowChrome podcast={podcast}>
    <article className="space-y-8">
      <JsonLd data={podcastSeriesLd(podcast, base)} />
      <header className="flex flex-col gap-6 sm:flex-row">
        {podcast.cover && (
          // A plain <img>: the cover is served by our own route, already sized for podcast apps.
          // eslint-disable-next-line @next/next/no-img-element -- see above: no optimizer pass needed
          <img
            src={urls.cover("", slug, podcast.cover.mimeType)}
            alt={`Cover of ${podcast.title}`}
            width={224}
            height={224}
            className="h-56 w-56 shrink-0 rounded-lg object-cover shadow"
          />
        )}
        <div className="space-y-3">
          <h1 className="text-3xl font-bold">{podcast.title}</h1>
          {podcast.author && <p className="text-slate-600">by {podcast.author}</p>}
          <ShowNotes notes={podcast.description} />
        </div>
      </header>

      {podcast.movedToFeedUrl && (
        <p role="status" data-testid="moved-notice" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-900">
          This show has moved to another host. Its feed is now{" "}
          <a href={podcast.movedToFeedUrl} className="font-mono underline" rel="nofollow noopener">{podcast.movedToFeedUrl}</a>; podcast apps
          follow the move on their own.
        </p>
      )}

      <section aria-labelledby="subscribe-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="subscribe-heading" className="text-lg font-semibold">Subscribe</h2>
        {podcast.newFeedUrl && (
          <p className="text-sm text-amber-800">This show has moved. Podcast apps follow it to its new feed on their own.</p>
        )}
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor="feed-url" className="sr-only">RSS feed URL</label>
          <input
            id="feed-url"
            readOnly
            value={feedUrl}
            className="min-h-11 min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm"
          />
          <CopyButton text={feedUrl} label="Copy the RSS feed URL" />
          <a href={feedUrl} className="inline-flex min-h-11 items-center text-sm text-[var(--accent-link)] underline">RSS feed</a>
        </div>
        {podcast.listenLinks.length > 0 && (
          <nav aria-label="Listen on" className="flex flex-wrap items-center gap-2 text-sm">
            <span className="font-medium">Listen on</span>
            {podcast.listenLinks.map((l, i) => (
              <a key={i} href={l.url} rel="noopener" className="inline-flex min-h-11 items-center rounded-full border border-slate-300 px-4 text-[var(--accent-link)] hover:bg-slate-50">
                {l.platform === "other" ? new URL(l.url).hostname : l.platform}
              </a>
            ))}
          </nav>
        )}
        <p className="text-sm text-slate-600">
          <strong>Apple Podcasts:</strong> Library → ⋯ → <em>Follow a Show by URL…</em>, then paste the feed URL.{" "}
          <strong>Other apps</strong> (Overcast, Pocket Casts, AntennaPod, Podcast Addict…): add a podcast by URL or RSS feed and paste it.
        </p>
      </section>

      <section aria-labelledby="episodes-heading" className="space-y-3">
        <h2 id="episodes-heading" className="text-xl font-semibold">Episodes</h2>
        {episodes.length === 0 ? (
          <p className="text-slate-600">No episodes yet.</p>
        ) : (
          <ul aria-label="Episodes" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {episodes.map((e) => (
              <li key={e.id} className="space-y-1 p-4">
                <Link href={urls.episode("", slug, e.slug)} className="text-lg font-medium text-[var(--accent-link)] hover:underline">
                  {e.title}
                </Link>
                <p className="text-sm text-slate-500">
                  <time dateTime={e.publishedAt.toISOString()}>{formatPublicDate(e.publishedAt)}</time>
                  {e.durationSeconds != null && <> · {formatDuration(e.durationSeconds)}</>}
                  {e.episodeType !== "full" && <> · {e.episodeType === "trailer" ? "Trailer" : "Bonus"}</>}
                </p>
                {e.description && <p className="text-sm text-slate-700">{notesText(e.description, 240)}</p>}
              </li>
            ))}
          </ul>
        )}
        {episodes.length === EPISODES_SHOWN && (
          <p className="text-sm text-slate-500">The newest {EPISODES_SHOWN} episodes are shown here; the feed has them all.</p>
        )}
      </section>
    </article>
    </ShowChrome>
  );
}
