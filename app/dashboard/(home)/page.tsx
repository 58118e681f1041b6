import type { Metadata } from "next";
import Link from "next/link";
import { Sparkline } from "@/components/sparkline";
import { buttonClass } from "@/components/styles";
import { requireViewer } from "@/lib/auth/session";
import { formatDate } from "@/lib/dashboard";
import { listPodcastSummaries, SUMMARY_DAYS, type PodcastSummary } from "@/lib/data/home";
import { AutoRefresh } from "../imports/auto-refresh";

export const metadata: Metadata = { title: "Your podcasts" };

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;

export default async function DashboardPage({ searchParams }: { searchParams: Promise<{ cursor?: string }> }) {
  const viewer = await requireViewer();
  const { cursor } = await searchParams;
  const page = await listPodcastSummaries(viewer, { limit: 20, cursor: typeof cursor === "string" ? cursor : undefined }).catch(() =>
    listPodcastSummaries(viewer, { limit: 20 }),
  );
  const processing = page.items.some((p) => p.attention.some((a) => a.status === "processing"));
  return (
    <>
      {/* Progress of what is being processed, and its end, without a reload. */}
      <AutoRefresh active={processing} ms={3000} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Your podcasts</h1>
        <div className="flex flex-wrap gap-2">
          <Link href="/dashboard/imports/new" className={buttonClass("secondary")}>Import a podcast</Link>
          <Link href="/dashboard/podcasts/new" className={buttonClass()}>New podcast</Link>
        </div>
      </div>
      {page.items.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center sm:p-10">
          <h2 className="text-lg font-medium">No podcasts yet</h2>
          <p className="mt-1 text-slate-600">
            Create your first show to start adding episodes, or bring one from another host with its RSS feed: every
            episode keeps its GUID, date and audio.
          </p>
          <div className="mt-4 flex flex-wrap justify-center gap-2">
            <Link href="/dashboard/podcasts/new" className={buttonClass()}>Create a podcast</Link>
            <Link href="/dashboard/imports/new" className={buttonClass("secondary")}>Import from another host</Link>
          </div>
        </div>
      ) : (
        <ul className="space-y-4" aria-label="Podcasts">
          {page.items.map((p) => (
            <li key={p.id}>
              <ShowCard show={p} />
            </li>
          ))}
        </ul>
      )}
      {page.nextCursor && (
        <Link href={`/dashboard?cursor=${encodeURIComponent(page.nextCursor)}`} className="text-indigo-700 underline">
          Older podcasts
        </Link>
      )}
    </>
  );
}

/** One show: how it is doing and what needs doing. */
/** One episode of a show card (its latest, or its next scheduled), with its date. */
function EpisodeGlanceItem({ term, episode, when, none }: { term: string; episode: PodcastSummary["latestEpisode"]; when: string; none: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-slate-500">{term}</dt>
      <dd className="mt-1">
        {episode ? (
          <>
            <Link href={`/dashboard/episodes/${episode.id}`} className="font-medium text-indigo-700 underline break-words">
              {episode.title}
            </Link>
            <span className="block text-slate-500">
              {when}
              {formatDate(episode.at)}
            </span>
          </>
        ) : (
          <span className="text-slate-600">{none}</span>
        )}
      </dd>
    </div>
  );
}

function ShowCard({ show }: { show: PodcastSummary }) {
  const headingId = `show-${show.id}`;
  const { downloads } = show;
  return (
    <article aria-labelledby={headingId} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-5" data-testid="show-card">
      <div className="flex flex-wrap items-start gap-4">
        {show.coverFileId ? (
          // eslint-disable-next-line @next/next/no-img-element -- the owner's file route serves it as stored; no optimizer in a self-hosted app
          <img
            src={`/api/v1/files/${show.coverFileId}/content`}
            alt={`Cover of ${show.title}`}
            width={72}
            height={72}
            className="h-18 w-18 shrink-0 rounded-md object-cover"
          />
        ) : (
          <div aria-hidden="true" className="flex h-18 w-18 shrink-0 items-center justify-center rounded-md bg-indigo-50 text-2xl font-semibold text-indigo-700">
            {show.title.slice(0, 1).toUpperCase()}
          </div>
        )}
        <div className="min-w-0 flex-1">
          <h2 id={headingId} className="text-lg font-semibold break-words">
            <Link href={`/dashboard/podcasts/${show.id}`} className="hover:underline">{show.title}</Link>
          </h2>
          <p className="truncate text-sm text-slate-500">
            /{show.slug}
            {show.role !== "owner" && <span className="ml-2 rounded bg-indigo-50 px-2 py-0.5 text-xs font-medium uppercase text-indigo-800">shared · {show.role}</span>}
          </p>
        </div>
        {show.role !== "viewer" && <Link
          href={`/dashboard/podcasts/${show.id}/episodes/new`}
          aria-label={`New episode of ${show.title}`}
          className={`${buttonClass()} min-h-11 basis-full sm:basis-auto`}
        >
          New episode
        </Link>}
      </div>

      <dl className="grid gap-4 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-slate-500">Downloads, last {SUMMARY_DAYS} days</dt>
          <dd className="mt-1 flex items-end gap-3">
            <Link
              href={`/dashboard/analytics?podcast=${show.id}`}
              className="text-2xl font-semibold text-slate-900 hover:underline"
              data-testid="downloads-30d"
              aria-label={`${plural(downloads.total, "download")} in the last ${SUMMARY_DAYS} days: analytics of ${show.title}`}
            >
              {downloads.total.toLocaleString("en-GB")}
            </Link>
            <Sparkline daily={downloads.daily} label={`Downloads per day from ${downloads.from} to ${downloads.to}`} />
          </dd>
        </div>
        <EpisodeGlanceItem term="Latest episode" episode={show.latestEpisode} when="Published " none="Nothing published yet" />
        <EpisodeGlanceItem term="Next scheduled" episode={show.nextScheduled} when="" none="Nothing scheduled" />
      </dl>

      {show.attention.length > 0 && (
        <ul className="space-y-1 text-sm" aria-label={`Processing and failed episodes of ${show.title}`}>
          {show.attention.map((a) => (
            <li key={a.id} className={`rounded-md px-3 py-2 ${a.status === "failed" ? "bg-red-50 text-red-900" : "bg-amber-50 text-amber-900"}`}>
              <Link href={`/dashboard/episodes/${a.id}`} className="font-medium underline break-words">
                {a.status === "failed" ? `Processing failed: ${a.title}` : `Processing (${Math.round(a.progress * 100)}%): ${a.title}`}
              </Link>
              {a.error && <span className="block break-words">{a.error}</span>}
            </li>
          ))}
        </ul>
      )}

    </article>
  );
}
