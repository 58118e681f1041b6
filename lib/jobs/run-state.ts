import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { db, tables, type Db } from "@/db";
import { newId } from "@/lib/ids";
import { FUNCTION_FAILED, getEventRow, wireEvent, type EventRow } from "./events";
import type { FunctionPlan } from "./function-plans";
import { enqueue, ensureDiscover } from "./queue";

/**
 * The durable state of runs: each run, its steps (results in completion order, the `stack` the
 * SDK gets back), and every attempt with its timing and error. Every write that moves a run
 * forward happens under the run's lock (lockRun), in the transaction that consumes the queue
 * item that caused it. The Jobs view reads the same tables (lib/data/runs.ts).
 */
export type RunRow = typeof tables.jobRuns.$inferSelect;
export type StepRow = typeof tables.jobSteps.$inferSelect;

export type StepState = { type: "data"; data: unknown } | { type: "error"; error: unknown };
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  [key: string]: unknown;
}

export const ACTIVE: RunRow["status"][] = ["queued", "running"];

function concurrencyColumns(plan: FunctionPlan, event: unknown) {
  const [a, b] = plan.concurrency;
  return {
    concurrencyKey1: a ? a.key(event) : null,
    concurrencyLimit1: a ? a.limit : null,
    concurrencyKey2: b ? b.key(event) : null,
    concurrencyLimit2: b ? b.limit : null,
  };
}

/** Inserts a queued run of `plan` for `event` and its first call. */
export async function createRun(
  tx: Db,
  plan: FunctionPlan,
  event: EventRow,
  link: { userId?: string | null; parentRunId?: string; parentStepId?: string } = {},
): Promise<string> {
  const now = new Date();
  const runId = newId();
  await tx.insert(tables.jobRuns).values({
    id: runId,
    functionId: plan.id,
    eventId: event.id,
    userId: link.userId !== undefined ? link.userId : event.userId,
    status: "queued",
    output: null,
    error: null,
    disableImmediate: false,
    stepCount: 0,
    parentRunId: link.parentRunId ?? null,
    parentStepId: link.parentStepId ?? null,
    ...concurrencyColumns(plan, wireEvent(event)),
    createdAt: now,
    startedAt: null,
    endedAt: null,
    updatedAt: now,
  });
  await enqueue(tx, { runId, kind: "discover", stepId: null, attempt: 0, runAt: now });
  return runId;
}

export async function getRunRow(tx: Db, runId: string): Promise<RunRow | undefined> {
  const [run] = await tx.select().from(tables.jobRuns).where(eq(tables.jobRuns.id, runId));
  return run;
}

/**
 * Reads the run and locks it until the transaction ends (an UPDATE, so it works on both
 * databases): changes to one run's steps and queue are applied one at a time, each seeing the
 * last one's result. Without it two calls finishing together on PostgreSQL could each miss
 * the other's step and queue it again.
 */
export async function lockRun(tx: Db, runId: string): Promise<RunRow | undefined> {
  const r = tables.jobRuns;
  const [run] = await tx.update(r).set({ updatedAt: new Date() }).where(eq(r.id, runId)).returning();
  return run;
}

/** The run's finished steps in completion order: the `steps` and `stack` of a call. */
export async function finishedSteps(runId: string): Promise<Array<{ hashedId: string; result: StepState }>> {
  const s = tables.jobSteps;
  const rows = await db
    .select({ hashedId: s.hashedId, result: s.result, seq: s.seq })
    .from(s)
    .where(and(eq(s.runId, runId), inArray(s.status, ["completed", "failed"])))
    .orderBy(asc(s.seq));
  return rows.filter((r) => r.result).map((r) => ({ hashedId: r.hashedId, result: r.result as StepState }));
}

export async function getStep(tx: Db, runId: string, hashedId: string): Promise<StepRow | undefined> {
  const s = tables.jobSteps;
  const [row] = await tx.select().from(s).where(and(eq(s.runId, runId), eq(s.hashedId, hashedId)));
  return row;
}

/** Marks the run started (first call). */
export async function markRunning(runId: string) {
  const r = tables.jobRuns;
  const now = new Date();
  await db
    .update(r)
    .set({ status: "running", startedAt: now, updatedAt: now })
    .where(and(eq(r.id, runId), eq(r.status, "queued")));
}

export async function setDisableImmediate(tx: Db, runId: string) {
  await tx
    .update(tables.jobRuns)
    .set({ disableImmediate: true, updatedAt: new Date() })
    .where(eq(tables.jobRuns.id, runId));
}

/** The next place in the run's completion order. */
async function nextSeq(tx: Db, runId: string): Promise<number> {
  const r = tables.jobRuns;
  const [row] = await tx
    .update(r)
    .set({ stepCount: sql`${r.stepCount} + 1` })
    .where(eq(r.id, runId))
    .returning({ n: r.stepCount });
  return row!.n;
}

export interface StepWrite {
  runId: string;
  hashedId: string;
  name: string;
  op: string;
  status: StepRow["status"];
  attempts: number;
  result?: StepState;
  wakeAt?: Date | null;
  childRunId?: string | null;
  startedAt: Date | null;
  endedAt?: Date | null;
}

/** Creates or updates a step; a finished one (with a result) takes the next place in the stack. */
export async function saveStep(tx: Db, w: StepWrite) {
  const s = tables.jobSteps;
  const now = new Date();
  const seq = w.result ? await nextSeq(tx, w.runId) : null;
  const changes = {
    status: w.status,
    attempts: w.attempts,
    ...(w.result ? { result: w.result, seq } : {}),
    ...(w.wakeAt !== undefined ? { wakeAt: w.wakeAt } : {}),
    ...(w.childRunId !== undefined ? { childRunId: w.childRunId } : {}),
    ...(w.endedAt !== undefined ? { endedAt: w.endedAt } : {}),
    updatedAt: now,
  };
  await tx
    .insert(s)
    .values({
      id: newId(),
      runId: w.runId,
      hashedId: w.hashedId,
      name: w.name,
      op: w.op,
      status: w.status,
      seq,
      result: w.result ?? null,
      attempts: w.attempts,
      wakeAt: w.wakeAt ?? null,
      childRunId: w.childRunId ?? null,
      startedAt: w.startedAt,
      endedAt: w.endedAt ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({ target: [s.runId, s.hashedId], set: changes });
}

export async function recordAttempt(
  tx: Db,
  a: { runId: string; stepHashedId: string | null; attempt: number; outcome: "ok" | "error" | "failed"; error?: unknown; startedAt: Date; endedAt: Date },
) {
  await tx.insert(tables.jobAttempts).values({
    id: newId(),
    runId: a.runId,
    stepHashedId: a.stepHashedId,
    attempt: a.attempt,
    outcome: a.outcome,
    error: (a.error as Record<string, unknown> | undefined) ?? null,
    startedAt: a.startedAt,
    endedAt: a.endedAt,
  });
}

/** Completes a sleeping step whose wake-up time has come. */
export async function wakeStep(tx: Db, runId: string, hashedId: string) {
  await lockRun(tx, runId);
  const step = await getStep(tx, runId, hashedId);
  if (!step || step.status !== "sleeping") return;
  await saveStep(tx, { ...step, status: "completed", result: { type: "data", data: null }, endedAt: new Date() });
}

async function stopRunWork(tx: Db, runId: string) {
  await tx.delete(tables.jobQueue).where(eq(tables.jobQueue.runId, runId));
  const s = tables.jobSteps;
  await tx
    .update(s)
    .set({ status: "cancelled", endedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(s.runId, runId), inArray(s.status, ["running", "retrying", "sleeping", "waiting"])));
}

/** Hands a finished child run's outcome to the `step.invoke` waiting for it. */
async function resolveParent(tx: Db, run: RunRow, result: StepState) {
  if (!run.parentRunId || !run.parentStepId) return;
  const parent = await lockRun(tx, run.parentRunId);
  if (!parent || !ACTIVE.includes(parent.status)) return;
  const step = await getStep(tx, parent.id, run.parentStepId);
  if (!step || step.status !== "waiting") return;
  await saveStep(tx, {
    ...step,
    status: result.type === "data" ? "completed" : "failed",
    result,
    endedAt: new Date(),
  });
  await ensureDiscover(tx, parent.id);
}

/** Ends a running run; false if it had already ended (cancelled meanwhile, say). */
export async function finishRun(
  tx: Db,
  run: RunRow,
  outcome: { status: "completed"; output: unknown } | { status: "failed"; error: SerializedError },
): Promise<boolean> {
  const r = tables.jobRuns;
  const now = new Date();
  const ended = await tx
    .update(r)
    .set({
      status: outcome.status,
      output: outcome.status === "completed" ? (outcome.output ?? null) : null,
      error: outcome.status === "failed" ? outcome.error : null,
      endedAt: now,
      updatedAt: now,
    })
    .where(and(eq(r.id, run.id), inArray(r.status, ACTIVE)))
    .returning({ id: r.id });
  if (!ended.length) return false;
  await stopRunWork(tx, run.id);
  if (outcome.status === "completed") {
    await resolveParent(tx, run, { type: "data", data: outcome.output ?? null });
    return true;
  }
  await resolveParent(tx, run, { type: "error", error: outcome.error });
  // What an Inngest server emits, so onFailure handlers (and anyone else) can react.
  const original = await getEventRow(tx, run.eventId);
  const data = {
    function_id: run.functionId,
    run_id: run.id,
    error: outcome.error,
    event: original ? wireEvent(original) : null,
    ...(run.userId ? { userId: run.userId } : {}),
  };
  await tx.insert(tables.jobEvents).values({
    id: newId(),
    name: FUNCTION_FAILED,
    data,
    userId: run.userId,
    dedupeKey: null,
    ts: now,
    routedAt: null,
    createdAt: now,
  });
  return true;
}

/** Cancels an active run: no further calls; a waiting parent's invoke fails. */
export async function cancelRunTx(tx: Db, runId: string, reason: string): Promise<boolean> {
  const r = tables.jobRuns;
  const now = new Date();
  const error: SerializedError = { name: "RunCancelledError", message: reason };
  const rows = await tx
    .update(r)
    .set({ status: "cancelled", error, endedAt: now, updatedAt: now })
    .where(and(eq(r.id, runId), inArray(r.status, ACTIVE)))
    .returning();
  const run = rows[0];
  if (!run) return false;
  await stopRunWork(tx, runId);
  await resolveParent(tx, run, { type: "error", error });
  return true;
}

/** Starts the function again from the start with the same event, as a new run. */
export async function rerunTx(tx: Db, run: RunRow): Promise<string> {
  const now = new Date();
  const runId = newId();
  await tx.insert(tables.jobRuns).values({
    ...run,
    id: runId,
    status: "queued",
    output: null,
    error: null,
    disableImmediate: false,
    stepCount: 0,
    parentRunId: null,
    parentStepId: null,
    createdAt: now,
    startedAt: null,
    endedAt: null,
    updatedAt: now,
  });
  await enqueue(tx, { runId, kind: "discover", stepId: null, attempt: 0, runAt: now });
  return runId;
}
