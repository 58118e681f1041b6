import type { Metadata } from "next";
import Link from "next/link";
import { DeleteButton } from "@/components/delete-button";
import { buttonClass } from "@/components/styles";
import { requireViewer } from "@/lib/auth/session";
import { formatDate, orNotFound } from "@/lib/dashboard";
import { listEpisodes } from "@/lib/data/episodes";
import { getPodcast } from "@/lib/data/podcasts";
import { headers } from "next/headers";
import { latestImportOfPodcast } from "@/lib/data/imports";
import { publicBaseUrl, urls } from "@/lib/urls";
import { checkRedirectAction, deletePodcastAction, setMovedToFeedUrlAction } from "../actions";
import { MoveInPanel, MoveOutForm } from "./moving";

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
  const episodes = await listEpisodes(viewer, podcastId, { limit: 100 });
  const lastImport = await latestImportOfPodcast(viewer, podcastId);
  // What the viewer's role lets them change (the actions check again: 403).
  const canEditEpisodes = podcast.role !== "viewer";
  const canManage = podcast.role === "owner" || podcast.role === "admin";
  const feedUrl = urls.feed(publicBaseUrl({ headers: await headers() }), podcast.slug);
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
              {podcast.role !== "owner" && <span data-testid="my-role"> · you are {podcast.role === "viewer" ? "a" : "an"} {podcast.role}</span>}
            </p>
          </div>
          <div className="flex gap-2">
            <Link href={`/dashboard/analytics?podcast=${podcast.id}`} className={buttonClass("secondary")}>Show analytics</Link>
            {canManage && <Link href={`/dashboard/podcasts/${podcast.id}/members`} className={buttonClass("secondary")}>Members</Link>}
            {canManage && <Link href={`/dashboard/podcasts/${podcast.id}/edit`} className={buttonClass("secondary")}>Edit podcast</Link>}
            {podcast.role === "owner" && <DeleteButton action={deletePodcastAction.bind(null, podcast.id)} what="podcast" />}
          </div>
        </div>
        {podcast.description && <p className="whitespace-pre-line text-slate-700">{podcast.description}</p>}
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

      {canManage && podcast.importedFromUrl && !podcast.movedToFeedUrl && (
        <MoveInPanel oldFeedUrl={podcast.importedFromUrl} feedUrl={feedUrl} checkAction={checkRedirectAction.bind(null, podcast.id)} />
      )}

      <section className="space-y-3">
        <div className="flex items-center justify-between">
          <h2 className="text-xl font-semibold">Episodes</h2>
          {canEditEpisodes && <Link href={`/dashboard/podcasts/${podcast.id}/episodes/new`} className={buttonClass()}>New episode</Link>}
        </div>
        {episodes.items.length === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
            <p className="font-medium">No episodes yet</p>
            <p className="text-sm text-slate-600">Add the first episode of {podcast.title}.</p>
          </div>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Episodes">
            {episodes.items.map((e) => (
              <li key={e.id}>
                <Link href={`/dashboard/episodes/${e.id}`} className="flex items-center justify-between px-5 py-3 hover:bg-slate-50">
                  <span>
                    <span className="font-medium">{e.title}</span>
                    <span className="ml-2 text-sm text-slate-500">
                      {e.seasonNumber ? `S${e.seasonNumber} ` : ""}
                      {e.episodeNumber ? `E${e.episodeNumber} · ` : ""}/{e.slug}
                    </span>
                  </span>
                  <span className="flex items-center gap-3 text-sm text-slate-500">
                    <span className="rounded bg-slate-100 px-2 py-0.5 text-xs font-medium uppercase text-slate-700">{e.status}</span>
                    {formatDate(e.createdAt)}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      {canManage && <MoveOutForm current={podcast.movedToFeedUrl} action={setMovedToFeedUrlAction.bind(null, podcast.id)} />}
    </>
  );
}
