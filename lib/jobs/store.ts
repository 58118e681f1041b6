import os from "node:os";
import { and, asc, eq, gt, inArray, isNotNull, isNull, like, lt, lte, min, ne, or, sql, type SQL } from "drizzle-orm";
import { db, dialect, tables, type Db } from "@/db";
import { transaction } from "@/db/tx";
import { newId } from "@/lib/ids";
import type { FunctionPlan } from "./function-plans";

/**
 * The executor's durable state, on either database. Every write that moves a run forward
 * happens in one transaction with the deletion of the queue item that caused it, so a crash
 * leaves either the item (and it runs again) or its whole effect.
 */
export type RunRow = typeof tables.jobRuns.$inferSelect;
export type JobRow = typeof tables.jobQueue.$inferSelect;
export type EventRow = typeof tables.jobEvents.$inferSelect;
export type StepRow = typeof tables.jobSteps.$inferSelect;

export type StepState = { type: "data"; data: unknown } | { type: "error"; error: unknown };
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  [key: string]: unknown;
}

export const FUNCTION_FAILED = "inngest/function.failed";
export const FUNCTION_INVOKED = "inngest/function.invoked";

const ACTIVE: RunRow["status"][] = ["queued", "running"];

/** `data.userId` of an event, or of the original event a function.failed event carries. */
function ownerOf(name: string, data: Record<string, unknown>): string | null {
  if (typeof data.userId === "string") return data.userId;
  if (name === FUNCTION_FAILED) {
    const original = data.event as { data?: Record<string, unknown> } | undefined;
    if (typeof original?.data?.userId === "string") return original.data.userId;
  }
  return null;
}

export interface IncomingEvent {
  name: string;
  data?: Record<string, unknown>;
  id?: string;
  ts?: number;
}

/** Stores events for the executor to route (the embedded event API); returns their ids. */
export async function insertEvents(events: IncomingEvent[]): Promise<string[]> {
  const now = new Date();
  const ids: string[] = [];
  for (const e of events) {
    if (typeof e?.name !== "string" || !e.name) throw new Error("An event needs a name");
    const data = e.data && typeof e.data === "object" ? e.data : {};
    const id = newId();
    await db
      .insert(tables.jobEvents)
      .values({
        id,
        name: e.name,
        data,
        userId: ownerOf(e.name, data),
        dedupeKey: e.id ?? null,
        ts: new Date(typeof e.ts === "number" ? e.ts : now.getTime()),
        routedAt: null,
        createdAt: now,
      })
      .onConflictDoNothing();
    ids.push(id);
  }
  return ids;
}

/** Events not routed yet, oldest first. */
export async function unroutedEvents(limit: number): Promise<EventRow[]> {
  return db
    .select()
    .from(tables.jobEvents)
    .where(isNull(tables.jobEvents.routedAt))
    .orderBy(asc(tables.jobEvents.createdAt))
    .limit(limit);
}

/** The event as the SDK receives it. */
export function wireEvent(e: EventRow) {
  return { id: e.id, name: e.name, data: e.data, ts: e.ts.getTime() };
}

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

/**
 * Routes one event, once across all processes: starts the runs it triggers and cancels the
 * runs whose cancelOn rules it matches. False when another worker routed it first.
 */
export async function routeEvent(event: EventRow, plans: Map<string, FunctionPlan>): Promise<{ started: number; cancelled: number } | null> {
  return transaction(async (tx) => {
    const claimed = await tx
      .update(tables.jobEvents)
      .set({ routedAt: new Date() })
      .where(and(eq(tables.jobEvents.id, event.id), isNull(tables.jobEvents.routedAt)))
      .returning({ id: tables.jobEvents.id });
    if (!claimed.length) return null;
    const wire = wireEvent(event);
    let started = 0;
    let cancelled = 0;
    for (const plan of plans.values()) {
      if (plan.triggers.some((t) => t.matches(wire))) {
        await createRun(tx, plan, event);
        started++;
      }
      const rules = plan.cancel.filter((r) => r.event === event.name);
      if (!rules.length) continue;
      const candidates = await tx
        .select({ run: tables.jobRuns, event: tables.jobEvents })
        .from(tables.jobRuns)
        .innerJoin(tables.jobEvents, eq(tables.jobRuns.eventId, tables.jobEvents.id))
        .where(and(eq(tables.jobRuns.functionId, plan.id), inArray(tables.jobRuns.status, ACTIVE)));
      for (const c of candidates) {
        const age = event.ts.getTime() - c.run.createdAt.getTime();
        const hit = rules.some((r) => (r.timeoutMs === undefined || age <= r.timeoutMs) && r.matches(wireEvent(c.event), wire));
        if (hit && (await cancelRunTx(tx, c.run.id, `Cancelled by the event "${event.name}"`))) cancelled++;
      }
    }
    return { started, cancelled };
  });
}

export interface EnqueueInput {
  runId: string;
  kind: JobRow["kind"];
  stepId: string | null;
  attempt: number;
  runAt: Date;
}

/** Adds a queue item unless the same (run, kind, step) is already queued or running. */
export async function enqueue(tx: Db, input: EnqueueInput) {
  await tx
    .insert(tables.jobQueue)
    .values({ id: newId(), ...input, leaseUntil: null, leaseToken: null, createdAt: new Date() })
    .onConflictDoNothing();
}

/** Makes sure a discovery call is waiting for the run (one that has not started yet). */
export async function ensureDiscover(tx: Db, runId: string) {
  const q = tables.jobQueue;
  const [waiting] = await tx
    .select({ id: q.id })
    .from(q)
    .where(and(eq(q.runId, runId), eq(q.kind, "discover"), isNull(q.stepId), isNull(q.leaseUntil)))
    .limit(1);
  if (!waiting) await enqueue(tx, { runId, kind: "discover", stepId: null, attempt: 0, runAt: new Date() });
}

export interface ClaimedJob {
  job: JobRow;
  leaseToken: string;
}

// Lease tokens read "<host>|<pid>|<uuid>": a lease taken on this machine by a process that is
// gone (the server was killed and started again) is taken over at once instead of after it
// expires. Tokens of calls still running in this process are kept here.
const HOST = os.hostname().replace(/\|/g, "_");
const live = globalThis as unknown as { __podcastproLiveLeases?: Set<string> };
live.__podcastproLiveLeases ??= new Set();
export const liveLeases = live.__podcastproLiveLeases;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when a lease was taken on this machine by a process (or an earlier life of this one) that is gone. */
function abandonedHere(token: string | null): boolean {
  if (!token) return false;
  const [host, pidText] = token.split("|");
  if (host !== HOST) return false;
  const pid = Number(pidText);
  return pid === process.pid ? !liveLeases.has(token) : !processAlive(pid);
}

async function lockClaims(tx: Db) {
  // Several app instances on one PostgreSQL: claims (and their concurrency counts) go one at a
  // time. SQLite transactions are already exclusive.
  if (dialect() === "postgres") {
    await (tx as unknown as { execute(q: SQL): Promise<unknown> }).execute(sql`select pg_advisory_xact_lock(723402)`);
  }
}

/**
 * Leases up to `max` due queue items, skipping those whose run is at a concurrency limit
 * (counted over items leased right now, in every process).
 */
export async function claimJobs(max: number, leaseMs: number): Promise<ClaimedJob[]> {
  if (max <= 0) return [];
  return transaction(async (tx) => {
    await lockClaims(tx);
    const q = tables.jobQueue;
    const r = tables.jobRuns;
    const now = new Date();
    const due = await tx
      .select({
        job: q,
        key1: r.concurrencyKey1,
        limit1: r.concurrencyLimit1,
        key2: r.concurrencyKey2,
        limit2: r.concurrencyLimit2,
      })
      .from(q)
      .innerJoin(r, eq(q.runId, r.id))
      .where(and(lte(q.runAt, now), or(isNull(q.leaseUntil), lt(q.leaseUntil, now), like(q.leaseToken, `${HOST}|%`))))
      .orderBy(asc(q.runAt), asc(q.createdAt))
      .limit(max * 4 + 8);
    const free = due.filter((d) => !d.job.leaseUntil || d.job.leaseUntil < now || abandonedHere(d.job.leaseToken));
    if (!free.length) return [];
    const counts = new Map<string, number>();
    if (free.some((d) => d.key1 || d.key2)) {
      const busy = await tx
        .select({ key1: r.concurrencyKey1, key2: r.concurrencyKey2, token: q.leaseToken })
        .from(q)
        .innerJoin(r, eq(q.runId, r.id))
        .where(and(gt(q.leaseUntil, now), ne(q.kind, "timeout")));
      for (const b of busy) {
        if (abandonedHere(b.token)) continue;
        for (const k of [b.key1, b.key2]) if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
    const claimed: ClaimedJob[] = [];
    for (const d of free) {
      if (claimed.length >= max) break;
      const limits: Array<[string, number]> = [];
      if (d.job.kind !== "timeout") {
        if (d.key1 && d.limit1) limits.push([d.key1, d.limit1]);
        if (d.key2 && d.limit2) limits.push([d.key2, d.limit2]);
      }
      if (limits.some(([k, limit]) => (counts.get(k) ?? 0) >= limit)) continue;
      const leaseToken = `${HOST}|${process.pid}|${newId()}`;
      // Only if nobody claimed or renewed it since we looked (a claim always changes the token).
      const unchanged = d.job.leaseToken === null ? isNull(q.leaseToken) : eq(q.leaseToken, d.job.leaseToken);
      const [row] = await tx
        .update(q)
        .set({ leaseUntil: new Date(now.getTime() + leaseMs), leaseToken })
        .where(and(eq(q.id, d.job.id), unchanged))
        .returning();
      if (!row) continue;
      liveLeases.add(leaseToken);
      for (const [k] of limits) counts.set(k, (counts.get(k) ?? 0) + 1);
      claimed.push({ job: row, leaseToken });
    }
    return claimed;
  });
}

/** Extends a lease still held; false when it was lost (expired and taken by another worker). */
export async function renewLease(c: ClaimedJob, leaseMs: number): Promise<boolean> {
  const q = tables.jobQueue;
  const rows = await db
    .update(q)
    .set({ leaseUntil: new Date(Date.now() + leaseMs) })
    .where(and(eq(q.id, c.job.id), eq(q.leaseToken, c.leaseToken)))
    .returning({ id: q.id });
  return rows.length > 0;
}

/**
 * Gives a leased item back after an executor error, to run again at `runAt` as attempt
 * `attempt`: the failed call counts against the function's retries like any other.
 */
export async function releaseJob(c: ClaimedJob, runAt: Date, attempt: number) {
  const q = tables.jobQueue;
  await db
    .update(q)
    .set({ leaseUntil: null, leaseToken: null, runAt, attempt })
    .where(and(eq(q.id, c.job.id), eq(q.leaseToken, c.leaseToken)));
}

/** Removes the leased item inside the transaction that applies its effect; false if it was lost. */
export async function consumeJob(tx: Db, c: ClaimedJob): Promise<boolean> {
  const q = tables.jobQueue;
  const rows = await tx
    .delete(q)
    .where(and(eq(q.id, c.job.id), eq(q.leaseToken, c.leaseToken)))
    .returning({ id: q.id });
  return rows.length > 0;
}

/** When the next item becomes due (ignoring leased ones), if any. */
export async function nextDueAt(): Promise<Date | null> {
  const q = tables.jobQueue;
  const [row] = await db.select({ at: min(q.runAt) }).from(q).where(isNull(q.leaseUntil));
  const at = row?.at as Date | number | string | null | undefined;
  if (at === null || at === undefined) return null;
  // min() comes back raw: epoch ms on SQLite, a timestamp string on PostgreSQL.
  return at instanceof Date ? at : new Date(typeof at === "number" ? at : Date.parse(at));
}

/** True while an event waits to be routed or a queue item is due or leased (being worked on). */
export async function workPending(): Promise<boolean> {
  const q = tables.jobQueue;
  const [item] = await db
    .select({ id: q.id })
    .from(q)
    .where(or(lte(q.runAt, new Date()), isNotNull(q.leaseUntil)))
    .limit(1);
  if (item) return true;
  const [event] = await db.select({ id: tables.jobEvents.id }).from(tables.jobEvents).where(isNull(tables.jobEvents.routedAt)).limit(1);
  return Boolean(event);
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

export async function getEventRow(tx: Db, eventId: string): Promise<EventRow | undefined> {
  const [event] = await tx.select().from(tables.jobEvents).where(eq(tables.jobEvents.id, eventId));
  return event;
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

/** Inserts the event a `step.invoke` sends to its child (already routed: only the child runs). */
export async function insertInvokeEvent(tx: Db, data: Record<string, unknown>, userId: string | null): Promise<EventRow> {
  const now = new Date();
  const [row] = await tx
    .insert(tables.jobEvents)
    .values({ id: newId(), name: FUNCTION_INVOKED, data, userId, dedupeKey: null, ts: now, routedAt: now, createdAt: now })
    .returning();
  return row!;
}
