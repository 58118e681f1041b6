import type { Metadata } from "next";
import Link from "next/link";
import { Cell, StackTable } from "@/components/table";
import { buttonClass, inputClass } from "@/components/styles";
import { dateRangeSchema } from "@/lib/analytics/days";
import { requireViewer } from "@/lib/auth/session";
import { orNotFound } from "@/lib/dashboard";
import { getDownloadsReport, type DownloadsReport } from "@/lib/data/analytics";
import { listPodcasts } from "@/lib/data/podcasts";
import { DailyChart } from "./daily-chart";

export const metadata: Metadata = { title: "Analytics" };

type Search = { podcast?: string; episode?: string; from?: string; to?: string };

const one = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const viewer = await requireViewer();
  const search = await searchParams;
  const podcasts = (await listPodcasts(viewer, { limit: 100 })).items;

  if (podcasts.length === 0) {
    return (
      <>
        <h1 className="text-2xl font-semibold">Analytics</h1>
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
          <h2 className="text-lg font-medium">No podcasts yet</h2>
          <p className="mt-1 text-slate-600">Create a podcast and publish an episode; its downloads will show here.</p>
          <Link href="/dashboard/podcasts/new" className={`${buttonClass()} mt-4`}>Create a podcast</Link>
        </div>
      </>
    );
  }

  const podcastId = one(search.podcast) ?? podcasts[0]!.id;
  const episodeId = one(search.episode);
  const parsed = dateRangeSchema.safeParse({ from: one(search.from), to: one(search.to) });
  const range = parsed.success ? parsed.data : dateRangeSchema.parse({});
  const rangeError = parsed.success ? null : parsed.error.issues[0]?.message;
  const report = await orNotFound(getDownloadsReport(viewer, podcastId, { ...range, episodeId }));
  const episodeTitle = episodeId ? report.episodes[0]?.title : null;

  const query = (extra: Record<string, string | undefined>) => {
    const q = new URLSearchParams({ podcast: podcastId, from: range.from, to: range.to });
    for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
    return `/dashboard/analytics?${q}`;
  };
  const csvQuery = new URLSearchParams({ from: range.from, to: range.to, ...(episodeId ? { episodeId } : {}) });
  const csvHref = `/api/v1/podcasts/${podcastId}/analytics/downloads.csv?${csvQuery}`;

  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Analytics</h1>
        <a href={csvHref} download className={buttonClass("secondary")}>Download CSV</a>
      </div>
      <p className="text-sm text-slate-600">
        Downloads as the IAB Podcast Measurement guidelines count them: one per listener and episode in 24 hours, once a
        minute of audio has been fetched; bots excluded. Days are UTC.
      </p>

      <form method="get" action="/dashboard/analytics" className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4">
        <div className="space-y-1">
          <label htmlFor="podcast" className="block text-sm font-medium text-slate-700">Podcast</label>
          <select id="podcast" name="podcast" defaultValue={podcastId} className={inputClass}>
            {podcasts.map((p) => (
              <option key={p.id} value={p.id}>{p.title}</option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="from" className="block text-sm font-medium text-slate-700">From</label>
          <input id="from" name="from" type="date" defaultValue={range.from} className={inputClass} aria-invalid={rangeError ? true : undefined} />
        </div>
        <div className="space-y-1">
          <label htmlFor="to" className="block text-sm font-medium text-slate-700">To</label>
          <input id="to" name="to" type="date" defaultValue={range.to} className={inputClass} />
        </div>
        <button type="submit" className={buttonClass()}>Show</button>
        {rangeError && (
          <p className="w-full text-sm text-red-600" role="alert">
            {rangeError} Showing the last 30 days instead.
          </p>
        )}
      </form>

      {episodeId && (
        <p className="text-sm">
          Episode <span className="font-medium">{episodeTitle}</span> ·{" "}
          <Link href={query({})} className="text-indigo-700 underline">All episodes</Link>
        </p>
      )}

      <section aria-labelledby="per-day" className="space-y-3 rounded-lg border border-slate-200 bg-white p-6">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="per-day" className="text-lg font-semibold">Downloads per day</h2>
          <p className="text-sm text-slate-600">
            <span className="text-2xl font-semibold text-slate-900" data-testid="total-downloads">{report.total}</span>{" "}
            download{report.total === 1 ? "" : "s"} from {range.from} to {range.to}
          </p>
        </div>
        {report.total === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600">
            No downloads in this period yet. Once listeners fetch a published episode&apos;s audio, they appear here within
            a few seconds.
          </p>
        ) : (
          <DailyChart daily={report.daily} />
        )}
      </section>

      {report.total > 0 && (
        <div className="grid gap-6 md:grid-cols-2">
          <TopTable title="Top podcast apps" rows={report.apps} label="App" total={report.total} />
          <TopTable title="Top devices" rows={report.devices} label="Device" total={report.total} />
        </div>
      )}

      {!episodeId && (
        <section aria-labelledby="per-episode" className="space-y-3">
          <h2 id="per-episode" className="text-lg font-semibold">Episodes</h2>
          {report.episodes.length === 0 ? (
            <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">This podcast has no episodes yet.</p>
          ) : (
            <StackTable className="overflow-hidden rounded-lg border border-slate-200 bg-white">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-2 font-medium">Episode</th>
                  <th scope="col" className="px-4 py-2 text-right font-medium">Downloads</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200">
                {report.episodes.map((e) => (
                  <tr key={e.episodeId}>
                    <Cell label="Episode" className="px-4 py-2">
                      <Link href={query({ episode: e.episodeId })} className="text-indigo-700 hover:underline">{e.title}</Link>
                    </Cell>
                    <Cell label="Downloads" className="px-4 py-2 text-right tabular-nums">{e.downloads}</Cell>
                  </tr>
                ))}
              </tbody>
            </StackTable>
          )}
        </section>
      )}
    </>
  );
}

function TopTable({ title, rows, label, total }: { title: string; rows: DownloadsReport["apps"]; label: string; total: number }) {
  return (
    <section className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">{title}</h2>
      <table className="w-full text-sm">
        <thead className="text-left text-slate-600">
          <tr>
            <th scope="col" className="py-1 font-medium">{label}</th>
            <th scope="col" className="py-1 text-right font-medium">Downloads</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} className="border-t border-slate-100">
              <td className="py-1">
                {r.name}
                <span className="mt-1 block h-1.5 rounded bg-indigo-100" aria-hidden="true">
                  <span className="block h-1.5 rounded bg-indigo-500" style={{ width: `${(r.downloads / Math.max(total, 1)) * 100}%` }} />
                </span>
              </td>
              <td className="py-1 text-right tabular-nums">{r.downloads}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
