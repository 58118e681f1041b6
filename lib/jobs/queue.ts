import os from "node:os";
import { and, asc, eq, gt, isNotNull, isNull, like, lt, lte, min, ne, or, sql, type SQL } from "drizzle-orm";
import { db, dialect, tables, type Db } from "@/db";
import { transaction } from "@/db/tx";
import { newId } from "@/lib/ids";

/**
 * The executor's queue: one item per call to make (discover, run a step, an invoke's timeout),
 * due at `run_at`, leased by the process working on it (renewed by a heartbeat) and deleted in
 * the transaction that applies the call's effect, so a crash leaves either the item (and it
 * runs again) or its whole effect.
 */
export type JobRow = typeof tables.jobQueue.$inferSelect;

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
