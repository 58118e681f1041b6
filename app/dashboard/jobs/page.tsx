import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "@/components/status-badge";
import { requireViewer } from "@/lib/auth/session";
import { formatDate } from "@/lib/dashboard";
import { listRuns } from "@/lib/data/runs";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage() {
  const viewer = await requireViewer();
  const runs = await listRuns(viewer, { limit: 100 });
  return (
    <>
      <h1 className="text-2xl font-semibold">Jobs</h1>
      <p className="text-sm text-slate-600">Background work on your episodes: processing and scheduled publishing, with each step.</p>
      {runs.items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">No jobs have run yet.</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Jobs">
          {runs.items.map((r) => (
            <li key={r.id}>
              <Link href={`/dashboard/jobs/${r.id}`} className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 px-5 py-3 hover:bg-slate-50">
                <span>
                  <span className="font-medium">{r.functionName}</span>
                  <span className="ml-2 text-sm text-slate-500">{r.eventName}</span>
                  {r.error && <span className="block text-sm text-red-700">{r.error.message}</span>}
                </span>
                <span className="flex items-center gap-3 text-sm text-slate-500">
                  <StatusBadge status={r.status} />
                  {formatDate(r.createdAt)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
