import type { Metadata } from "next";
import Link from "next/link";
import { CopyField } from "@/components/copy-field";
import { DeleteButton } from "@/components/delete-button";
import { buttonClass } from "@/components/styles";
import { requireViewer } from "@/lib/auth/session";
import { orNotFound } from "@/lib/dashboard";
import { countEpisodeDownloads } from "@/lib/data/analytics";
import { listEpisodes, type Episode } from "@/lib/data/episodes";
import { formatDuration } from "@/lib/format";
import { getPodcast } from "@/lib/data/podcasts";
import { headers } from "next/headers";
import { latestImportOfPodcast } from "@/lib/data/imports";
import { publicBaseUrl, urls } from "@/lib/urls";
import { checkRedirectAction, deletePodcastAction, setMovedToFeedUrlAction } from "../actions";
import { MoveInPanel, MoveOutForm } from "./moving";
import { notesText } from "@/lib/markdown";

type Props = { params: Promise<{ podcastId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const viewer = await requireViewer();
  const podcast = await getPodcast(viewer, (await params).podcastId).catch(() => null);
  return { title: podcast?.title ?? "Not found" };
}

export default async function PodcastPage({ params }: Props) {
  const viewer = await requireViewer();
  const { podcastId } = await params;
  const podcast = await orNotFound(getPodcast(viewer, podcastId));
  const [episodes, lastImport, downloads] = await Promise.all([
    listEpisodes(viewer, podcastId, { limit: 100 }),
    latestImportOfPodcast(viewer, podcastId),
    countEpisodeDownloads(viewer, podcastId),
  ]);
  // What the viewer's role lets them change (the actions check again: 403).
  const canEditEpisodes = podcast.role !== "viewer";
  const canManage = podcast.role === "owner" || podcast.role === "admin";
  const base = publicBaseUrl({ headers: await headers() });
  const feedUrl = urls.feed(base, podcast.slug);
  const publicUrl = urls.podcast(base, podcast.slug);
  return (
    <>
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/dashboard" className="text-indigo-700 underline">Your podcasts</Link>
      </nav>
      <section className="space-y-2 rounded-lg border border-slate-200 bg-white p-6">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h1 className="text-2xl font-semibold">{podcast.title}</h1>
            <p className="text-sm text-slate-500">
              /{podcast.slug} · {podcast.type} · {podcast.language}
              {podcast.category && ` · ${podcast.category}${podcast.subcategory ? ` › ${podcast.subcategory}` : ""}`}
              {podcast.explicit && " · explicit"}
              {podcast.visibility === "private" && " · private"}
              {podcast.role !== "owner" && <span data-testid="my-role"> · you are {podcast.role === "viewer" ? "a" : "an"} {podcast.role}</span>}
            </p>
          </div>
          <div className="flex flex-wrap gap-2">
            <Link href={`/dashboard/analytics?podcast=${podcast.id}`} className={buttonClass("secondary")}>Show analytics</Link>
            {canManage && <Link href={`/dashboard/podcasts/${podcast.id}/members`} className={buttonClass("secondary")}>Members</Link>}
            {canManage && <Link href={`/dashboard/podcasts/${podcast.id}/subscribers`} className={buttonClass("secondary")}>Subscribers</Link>}
            {canManage && <Link href={`/dashboard/podcasts/${podcast.id}/edit`} className={buttonClass("secondary")}>Edit podcast</Link>}
            {podcast.role === "owner" && <DeleteButton action={deletePodcastAction.bind(null, podcast.id)} what="podcast" />}
          </div>
        </div>
        {podcast.description && <p className="text-slate-700">{notesText(podcast.description)}</p>}
        {lastImport && (
          <p className="text-sm">
            <Link href={`/dashboard/imports/${lastImport.id}`} className="text-indigo-700 underline">
              {lastImport.status === "queued" || lastImport.status === "running" ? "Import in progress" : "Last import"}
            </Link>
            : {lastImport.episodes.imported} imported, {lastImport.episodes.failed} failed, {lastImport.episodes.skipped} already here.
          </p>
        )}
        {podcast.movedToFeedUrl && (
          <p role="status" className="text-sm text-amber-800">
            This show has moved: its feed answers 301 to <span className="break-all font-mono">{podcast.movedToFeedUrl}</span>.
          </p>
        )}
      </section>

      <section aria-labelledby="share-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
        <h2 id="share-heading" className="text-xl font-semibold">Your feed and public page</h2>
        <CopyField label="RSS feed URL" value={feedUrl} hint="Podcast apps and directories subscribe to this address." />
        <p className="text-sm">
          Public page:{" "}
          <a href={publicUrl} className="break-all text-indigo-700 underline">{publicUrl}</a>
        </p>
        <div>
          <h3 className="font-medium">Get listed</h3>
          <p className="text-sm text-slate-600">Submit the feed URL once to each directory; new episodes reach them through the feed.</p>
          <ul className="mt-2 flex flex-wrap gap-2" aria-label="Submit your feed">
            {DIRECTORIES.map((d) => (
              <li key={d.name}>
                <a href={d.url} target="_blank" rel="noopener noreferrer" className={`${buttonClass("secondary")} min-h-11`}>
                  {d.name}<span className="sr-only"> (opens in a new tab)</span>
                </a>
              </li>
            ))}
          </ul>
        </div>
      </section>

      {canManage && podcast.importedFromUrl && !podcast.movedToFeedUrl && (
        <MoveInPanel oldFeedUrl={podcast.importedFromUrl} feedUrl={feedUrl} checkAction={checkRedirectAction.bind(null, podcast.id)} />
      )}

      <section className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 className="text-xl font-semibold">Episodes</h2>
          {canEditEpisodes && <Link href={`/dashboard/podcasts/${podcast.id}/episodes/new`} className={buttonClass()}>New episode</Link>}
        </div>
        {episodes.items.length === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
            <p className="font-medium">No episodes yet</p>
            <p className="text-sm text-slate-600">Add the first episode of {podcast.title}.</p>
          </div>
        ) : (
          <EpisodeList episodes={episodes.items} downloads={downloads} />
        )}
      </section>

      {canManage && <MoveOutForm current={podcast.movedToFeedUrl} action={setMovedToFeedUrlAction.bind(null, podcast.id)} />}
    </>
  );
}

const DIRECTORIES = [
  { name: "Apple Podcasts Connect", url: "https://podcastsconnect.apple.com/" },
  { name: "Spotify for Creators", url: "https://creators.spotify.com/" },
  { name: "Podcast Index", url: "https://podcastindex.org/add" },
];

const STATUS_LOOK: Record<Episode["status"], string> = {
  draft: "bg-slate-100 text-slate-700",
  processing: "bg-amber-100 text-amber-900",
  ready: "bg-sky-100 text-sky-900",
  scheduled: "bg-violet-100 text-violet-900",
  published: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
};

/** The date that matters for an episode's status: published, scheduled for, or created. */
function episodeDate(e: Episode): string {
  if (e.status === "published" && e.publishedAt) return formatDay(e.publishedAt);
  if (e.status === "scheduled" && e.publishAt) return `Scheduled ${formatDay(e.publishAt)}`;
  return `Created ${formatDay(e.createdAt)}`;
}

const formatDay = (d: Date) => d.toLocaleDateString("en-GB", { dateStyle: "medium", timeZone: "UTC" });

const COLUMNS = "sm:grid sm:grid-cols-[minmax(0,1fr)_4rem_4.5rem_6.5rem_10.5rem_5.5rem] sm:items-center sm:gap-3";

/** Episodes as rows with number, duration, status, date and downloads; stacked on a phone. */
function EpisodeList({ episodes, downloads }: { episodes: Episode[]; downloads: Map<string, number> }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white">
      <div aria-hidden="true" className={`hidden border-b border-slate-200 px-5 py-2 text-xs font-medium uppercase tracking-wide text-slate-500 ${COLUMNS}`}>
        <span>Title</span>
        <span>No.</span>
        <span>Length</span>
        <span>Status</span>
        <span>Date</span>
        <span className="text-right">Downloads</span>
      </div>
      <ul className="divide-y divide-slate-200" aria-label="Episodes">
        {episodes.map((e) => (
          <li key={e.id} className={`px-4 py-3 text-sm sm:px-5 ${COLUMNS}`}>
            <Link href={`/dashboard/episodes/${e.id}`} className="block break-words text-base font-medium text-indigo-700 underline sm:text-sm">
              {e.title}
            </Link>
            <span className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-slate-600 sm:contents">
              <span>
                <span className="sm:sr-only">Number </span>
                {e.episodeNumber || e.seasonNumber ? `${e.seasonNumber ? `S${e.seasonNumber} ` : ""}${e.episodeNumber ? `E${e.episodeNumber}` : ""}` : "—"}
              </span>
              <span>
                <span className="sm:sr-only">Duration </span>
                {formatDuration(e.durationSeconds)}
              </span>
              <span>
                <span className="sr-only">Status </span>
                <span className={`rounded px-2 py-0.5 text-xs font-medium uppercase ${STATUS_LOOK[e.status]}`}>{e.status}</span>
              </span>
              <span>{episodeDate(e)}</span>
              <span className="sm:text-right" data-testid="episode-downloads">
                {(downloads.get(e.id) ?? 0).toLocaleString("en-GB")}
                <span className="sm:sr-only"> downloads</span>
              </span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
