import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { db, tables } from "@/db";
import { transaction } from "@/db/tx";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError, notFound } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { notifyExecutors, runningExecutor } from "@/lib/jobs/executor";
import { cancelRunTx, lockRun, rerunTx } from "@/lib/jobs/run-state";
import { keysetAfter, toPage, type Page } from "./pagination";

type RunRow = typeof tables.jobRuns.$inferSelect;
export type RunStatus = RunRow["status"];

export interface RunError {
  name: string;
  message: string;
}

export interface RunSummary {
  id: string;
  functionId: string;
  functionName: string;
  eventName: string;
  status: RunStatus;
  error: RunError | null;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

export interface RunAttempt {
  attempt: number;
  outcome: "ok" | "error" | "failed";
  error: RunError | null;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
}

export interface RunStep {
  id: string;
  name: string;
  kind: "run" | "sleep" | "invoke" | "other";
  status: "running" | "retrying" | "completed" | "failed" | "sleeping" | "waiting" | "cancelled";
  attempts: RunAttempt[];
  error: RunError | null;
  startedAt: Date | null;
  endedAt: Date | null;
  wakeAt: Date | null;
  childRunId: string | null;
}

export interface RunDetail extends RunSummary {
  eventData: Record<string, unknown>;
  output: unknown;
  steps: RunStep[];
  /** Errors thrown outside any step, each retried like a step. */
  functionAttempts: RunAttempt[];
}

const ENDED: RunStatus[] = ["completed", "failed", "cancelled"];

function toError(value: unknown): RunError | null {
  if (!value || typeof value !== "object") return null;
  const e = value as { name?: unknown; message?: unknown };
  return { name: typeof e.name === "string" ? e.name : "Error", message: typeof e.message === "string" ? e.message : "Unknown error" };
}

function functionName(functionId: string): string {
  return runningExecutor()?.plans.get(functionId)?.name ?? functionId.replace(/^podcastpro-/, "");
}

function toSummary(row: RunRow, eventName: string): RunSummary {
  return {
    id: row.id,
    functionId: row.functionId,
    functionName: functionName(row.functionId),
    eventName,
    status: row.status,
    error: toError(row.error),
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
  };
}

function toAttempt(a: typeof tables.jobAttempts.$inferSelect): RunAttempt {
  return {
    attempt: a.attempt,
    outcome: a.outcome,
    error: toError(a.error),
    startedAt: a.startedAt,
    endedAt: a.endedAt,
    durationMs: a.endedAt.getTime() - a.startedAt.getTime(),
  };
}

const KINDS: Record<string, RunStep["kind"]> = { StepRun: "run", Sleep: "sleep", InvokeFunction: "invoke" };

/** The viewer's run with its event name, or not_found (also when it is someone else's). */
async function ownRun(viewer: Viewer, runId: string) {
  if (!isUuid(runId)) throw notFound("Run");
  const [row] = await db
    .select({ run: tables.jobRuns, eventName: tables.jobEvents.name, eventData: tables.jobEvents.data })
    .from(tables.jobRuns)
    .innerJoin(tables.jobEvents, eq(tables.jobRuns.eventId, tables.jobEvents.id))
    .where(and(eq(tables.jobRuns.id, runId), eq(tables.jobRuns.userId, viewer.userId)));
  if (!row) throw notFound("Run");
  return row;
}

/** The viewer's job runs, newest first. */
export async function listRuns(viewer: Viewer, opts: { limit: number; cursor?: string }): Promise<Page<RunSummary>> {
  const { where, orderBy } = keysetAfter(tables.jobRuns, opts.cursor);
  const rows = await db
    .select({ run: tables.jobRuns, eventName: tables.jobEvents.name })
    .from(tables.jobRuns)
    .innerJoin(tables.jobEvents, eq(tables.jobRuns.eventId, tables.jobEvents.id))
    .where(and(eq(tables.jobRuns.userId, viewer.userId), where))
    .orderBy(...orderBy)
    .limit(opts.limit + 1);
  const page = toPage(
    rows.map((r) => ({ ...r.run, eventName: r.eventName })),
    opts.limit,
    (r) => toSummary(r, r.eventName),
  );
  return page;
}

/** One of the viewer's runs: status, output, and each step with its attempts, timings and errors. */
export async function getRun(viewer: Viewer, runId: string): Promise<RunDetail> {
  const { run, eventName, eventData } = await ownRun(viewer, runId);
  const [steps, attempts] = await Promise.all([
    db.select().from(tables.jobSteps).where(eq(tables.jobSteps.runId, run.id)),
    db.select().from(tables.jobAttempts).where(eq(tables.jobAttempts.runId, run.id)).orderBy(asc(tables.jobAttempts.startedAt)),
  ]);
  // Finished steps in completion order, then the ones still going by start time.
  steps.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity) || (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0));
  return {
    ...toSummary(run, eventName),
    eventData,
    output: run.output ?? null,
    steps: steps.map((s) => {
      const result = s.result as { type?: string; error?: unknown } | null;
      return {
        id: s.hashedId,
        name: s.name,
        kind: KINDS[s.op] ?? "other",
        status: s.status,
        attempts: attempts.filter((a) => a.stepHashedId === s.hashedId).map(toAttempt),
        error: result?.type === "error" ? toError(result.error) : null,
        startedAt: s.startedAt,
        endedAt: s.endedAt,
        wakeAt: s.wakeAt,
        childRunId: s.childRunId,
      };
    }),
    functionAttempts: attempts.filter((a) => a.stepHashedId === null).map(toAttempt),
  };
}

/** Cancels one of the viewer's queued or running runs: no step starts after this. */
export async function cancelRun(viewer: Viewer, runId: string): Promise<RunSummary> {
  const { run, eventName } = await ownRun(viewer, runId);
  const cancelled = await transaction(async (tx) => {
    if (!(await cancelRunTx(tx, run.id, "Cancelled by its owner"))) return null;
    return lockRun(tx, run.id);
  });
  if (!cancelled) throw new AppError("conflict", `The run has already ${run.status === "cancelled" ? "been cancelled" : run.status === "failed" ? "failed" : "finished"}.`);
  return toSummary(cancelled, eventName);
}

/** Runs the function of one of the viewer's ended runs again, from the start, with the same event. */
export async function retryRun(viewer: Viewer, runId: string): Promise<RunSummary> {
  const { run, eventName } = await ownRun(viewer, runId);
  if (!ENDED.includes(run.status)) throw new AppError("conflict", "The run is still going; cancel it first to run it again.");
  const newRun = await transaction(async (tx) => lockRun(tx, await rerunTx(tx, run)));
  notifyExecutors();
  return toSummary(newRun!, eventName);
}
