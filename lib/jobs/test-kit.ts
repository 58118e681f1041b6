import { and, asc, eq } from "drizzle-orm";
import { Inngest, type InngestFunction } from "inngest";
import { db, getConnection, tables } from "@/db";
import { Executor, type ExecutorOptions } from "./executor";
import { inngestClientOptions } from "./mode";
import { generateSigningKey } from "./signing";

/** Helpers for the executor's tests (not used by the app). */

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** An embedded-mode client with its own signing key, as the app's client is built. */
export function testClient(id: string) {
  const signingKey = generateSigningKey();
  const client = new Inngest({
    id,
    ...inngestClientOptions({ kind: "embedded", signingKey }),
    logger: quiet,
  });
  return { client, signingKey };
}

export const silentLogger = { info() {}, warn() {}, error() {} };

/** Starts an executor with test-friendly timings (fast backoff, short polls). */
export async function startExecutor(
  setup: { client: Inngest.Any; signingKey: string },
  functions: InngestFunction.Any[],
  opts: Partial<ExecutorOptions> = {},
) {
  const executor = new Executor({
    client: setup.client,
    functions,
    signingKey: setup.signingKey,
    concurrency: 4,
    backoffBaseMs: 100,
    backoffMaxMs: 1000,
    leaseMs: 5000,
    pollMs: 100,
    logger: silentLogger,
    ...opts,
  });
  await executor.start();
  return executor;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export type Run = typeof tables.jobRuns.$inferSelect;

/** Runs of a function, oldest first. */
export async function runsOf(functionId: string): Promise<Run[]> {
  return db.select().from(tables.jobRuns).where(eq(tables.jobRuns.functionId, functionId)).orderBy(asc(tables.jobRuns.createdAt));
}

/** Waits until `count` runs of the function exist and all of them have ended. */
export async function waitForRuns(functionId: string, count = 1, timeoutMs = 10_000): Promise<Run[]> {
  return waitFor(
    async () => {
      const runs = await runsOf(functionId);
      return runs.length >= count && runs.every((r) => ["completed", "failed", "cancelled"].includes(r.status)) && runs;
    },
    timeoutMs,
    `${count} finished run(s) of ${functionId}`,
  );
}

export async function stepsOf(runId: string) {
  return db.select().from(tables.jobSteps).where(eq(tables.jobSteps.runId, runId)).orderBy(asc(tables.jobSteps.createdAt));
}

export async function attemptsOf(runId: string, stepHashedId?: string | null) {
  const a = tables.jobAttempts;
  const rows = await db.select().from(a).where(eq(a.runId, runId)).orderBy(asc(a.startedAt));
  if (stepHashedId === undefined) return rows;
  return rows.filter((r) => r.stepHashedId === stepHashedId);
}

export async function stepNamed(runId: string, name: string) {
  const [row] = await db
    .select()
    .from(tables.jobSteps)
    .where(and(eq(tables.jobSteps.runId, runId), eq(tables.jobSteps.name, name)));
  return row;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Makes the database refuse to store the step named `stepName` (only with `status`, if given):
 * a trigger raises, as a full disk or a broken connection would, so the executor's own storage
 * errors can be tested on both databases without a hook in the executor. Returns the function
 * that removes it.
 */
export async function refuseToStoreStep(stepName: string, status?: string): Promise<() => Promise<void>> {
  const conn = getConnection();
  const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
  const when = `new.name = ${quote(stepName)}` + (status ? ` and new.status = ${quote(status)}` : "");
  const message = "'disk I/O error (injected by the test)'";
  if (conn.dialect === "sqlite") {
    for (const on of ["insert", "update"]) {
      conn.sqlite!.exec(`create trigger refuse_step_${on} before ${on} on job_steps when ${when} begin select raise(abort, ${message}); end`);
    }
    return async () => void conn.sqlite!.exec("drop trigger refuse_step_insert; drop trigger refuse_step_update;");
  }
  await conn.pool!.query(
    `create function refuse_step() returns trigger language plpgsql as $$ begin ` +
      `if ${when} then raise exception ${message}; end if; return new; end $$`,
  );
  await conn.pool!.query("create trigger refuse_step before insert or update on job_steps for each row execute function refuse_step()");
  return async () => {
    await conn.pool!.query("drop trigger refuse_step on job_steps");
    await conn.pool!.query("drop function refuse_step()");
  };
}
