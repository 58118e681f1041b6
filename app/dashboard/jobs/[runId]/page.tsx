import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/components/action-button";
import { StatusBadge } from "@/components/status-badge";
import { requireViewer } from "@/lib/auth/session";
import { formatDate, orNotFound } from "@/lib/dashboard";
import { getRun } from "@/lib/data/runs";
import { cancelRunAction, retryRunAction } from "../actions";

export const metadata: Metadata = { title: "Job" };

const ms = (start: Date | null, end: Date | null) => (start && end ? `${((end.getTime() - start.getTime()) / 1000).toFixed(2)} s` : "—");

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const viewer = await requireViewer();
  const run = await orNotFound(getRun(viewer, (await params).runId));
  const active = ["queued", "running", "sleeping"].includes(run.status);
  return (
    <>
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/dashboard/jobs" className="text-indigo-700 underline">Jobs</Link>
      </nav>
      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-6">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h1 className="text-2xl font-semibold">{run.functionName}</h1>
            <p className="text-sm text-slate-500">
              {run.eventName} · started {formatDate(run.startedAt ?? run.createdAt)} · took {ms(run.startedAt, run.endedAt)}
            </p>
          </div>
          <div className="flex items-center gap-3">
            <StatusBadge status={run.status} />
            {active && <ActionButton action={cancelRunAction.bind(null, run.id)} label="Cancel" pendingText="Cancelling…" />}
            {!active && <ActionButton action={retryRunAction.bind(null, run.id)} label="Run again" pendingText="Starting…" />}
          </div>
        </div>
        {run.error && <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">{run.error.message}</p>}
      </section>
      <section className="space-y-2">
        <h2 className="text-xl font-semibold">Steps</h2>
        {run.steps.length === 0 ? (
          <p className="text-sm text-slate-600">No step has started yet.</p>
        ) : (
          <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Steps">
            {run.steps.map((s) => (
              <li key={s.id} className="space-y-1 px-5 py-3">
                <div className="flex items-center justify-between gap-3">
                  <span className="font-medium">{s.name}</span>
                  <span className="flex items-center gap-3 text-sm text-slate-500">
                    {s.attempts.length > 1 && <span>{s.attempts.length} attempts</span>}
                    <span>{ms(s.startedAt, s.endedAt)}</span>
                    <StatusBadge status={s.status} />
                  </span>
                </div>
                {s.wakeAt && s.status === "sleeping" && <p className="text-sm text-slate-600">Wakes {formatDate(s.wakeAt)}</p>}
                {s.attempts
                  .filter((a) => a.error)
                  .map((a) => (
                    <p key={a.attempt} className="text-sm text-red-700">
                      Attempt {a.attempt + 1}: {a.error!.message}
                    </p>
                  ))}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
