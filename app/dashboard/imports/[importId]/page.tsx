import type { Metadata } from "next";
import Link from "next/link";
import { requireViewer } from "@/lib/auth/session";
import { orNotFound } from "@/lib/dashboard";
import { getImport, listImportItems, type ImportItem } from "@/lib/data/imports";
import { AutoRefresh } from "../auto-refresh";

export const metadata: Metadata = { title: "Import" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ importId: string }> };

const STATUS_TEXT = {
  queued: "Waiting to start",
  running: "Importing",
  succeeded: "Done",
  partial: "Done, with episodes that could not be imported",
  failed: "Failed",
} as const;

const ITEM_TEXT: Record<ImportItem["status"], string> = {
  pending: "waiting",
  queued: "waiting",
  running: "downloading",
  imported: "imported",
  failed: "failed",
};

export default async function ImportPage({ params }: Props) {
  const viewer = await requireViewer();
  const { importId } = await params;
  const imp = await orNotFound(getImport(viewer, importId));
  const items = await listImportItems(viewer, importId);
  const active = imp.status === "queued" || imp.status === "running";
  const pct = Math.round(imp.progress * 100);
  return (
    <>
      <AutoRefresh active={active} />
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/dashboard" className="text-indigo-700 underline">Your podcasts</Link>
      </nav>
      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-6">
        <h1 className="text-2xl font-semibold">Import</h1>
        <p className="break-all font-mono text-sm text-slate-600">{imp.feedUrl}</p>
        <p data-testid="import-status" role="status" className="font-medium">
          {STATUS_TEXT[imp.status]}
          {imp.status !== "failed" && ` · ${imp.episodes.imported} of ${imp.episodes.total} episodes imported`}
          {imp.episodes.failed > 0 && ` · ${imp.episodes.failed} failed`}
          {imp.episodes.skipped > 0 && ` · ${imp.episodes.skipped} already here`}
        </p>
        <div className="h-2 w-full overflow-hidden rounded bg-slate-100" role="progressbar" aria-label="Import progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
          <div className="h-full bg-indigo-600 transition-all" style={{ width: `${pct}%` }} />
        </div>
        {imp.error && (
          <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-red-800">{imp.error}</p>
        )}
        {imp.podcastId && !active && (
          <Link href={`/dashboard/podcasts/${imp.podcastId}`} className="inline-block text-indigo-700 underline">
            Go to the podcast
          </Link>
        )}
      </section>

      {imp.errors.length > 0 && (
        <section aria-labelledby="errors-heading" className="space-y-2 rounded-lg border border-red-200 bg-white p-6">
          <h2 id="errors-heading" className="text-lg font-semibold">Episodes that could not be imported</h2>
          <p className="text-sm text-slate-600">They are kept as drafts with their show notes; upload their audio to publish them.</p>
          <ul className="list-disc space-y-1 pl-5" data-testid="import-errors">
            {imp.errors.map((e) => (
              <li key={e.guid}>
                <span className="font-medium">{e.title}</span>: {e.message}
              </li>
            ))}
          </ul>
        </section>
      )}

      {imp.notes.length > 0 && (
        <section aria-labelledby="notes-heading" className="space-y-2 rounded-lg border border-amber-200 bg-white p-6">
          <h2 id="notes-heading" className="text-lg font-semibold">Worth knowing</h2>
          <ul className="list-disc space-y-1 pl-5 text-sm">
            {imp.notes.map((n) => <li key={n}>{n}</li>)}
          </ul>
        </section>
      )}

      {items.length > 0 && (
        <section aria-labelledby="episodes-heading" className="space-y-2">
          <h2 id="episodes-heading" className="text-xl font-semibold">Episodes</h2>
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Imported episodes">
            {items.map((i) => (
              <li key={i.guid} className="flex items-center justify-between gap-3 px-5 py-2" data-testid="import-item">
                <span className="min-w-0 truncate">
                  {i.episodeId && i.status === "imported" ? <Link href={`/dashboard/episodes/${i.episodeId}`} className="underline">{i.title}</Link> : i.title}
                </span>
                <span className={`shrink-0 rounded px-2 py-0.5 text-xs font-medium uppercase ${i.status === "failed" ? "bg-red-100 text-red-800" : i.status === "imported" ? "bg-green-100 text-green-800" : "bg-slate-100 text-slate-700"}`}>
                  {ITEM_TEXT[i.status]}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
