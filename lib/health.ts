import "server-only";
import crypto from "node:crypto";
import fsp from "node:fs/promises";
import path from "node:path";
import { db, dialect, tables } from "@/db";
import { getEnv } from "@/lib/env";
import { runningExecutor } from "@/lib/jobs/executor";
import { jobsMode } from "@/lib/jobs/mode";
import { log } from "@/lib/log";
import { getStorage } from "@/lib/storage";

/**
 * The health report `/api/health` serves to load balancers: the database answers a query,
 * storage takes a write + read + delete under DATA_DIR/tmp (scratch space for uploads and
 * processing) and, with object storage, the bucket answers; the job executor runs and has
 * looked at its queue lately. Each part is `{ ok, … }`; failures say what went wrong, never secrets.
 */
export interface HealthReport {
  status: "ok" | "error";
  database: { ok: boolean; dialect?: string; ms?: number; error?: string };
  storage: { ok: boolean; ms?: number; error?: string };
  executor: { ok: boolean; mode: string; state?: string; lastTickAgoMs?: number; inflight?: number; error?: string };
}

const CHECK_TIMEOUT_MS = 3000;
/** The executor's loop ticks at least every poll (1 s); this much silence means it is stuck. */
const STALE_TICK_MS = 30_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function checkDatabase(): Promise<HealthReport["database"]> {
  const t0 = performance.now();
  try {
    await withTimeout(db.select({ id: tables.users.id }).from(tables.users).limit(1), "the database");
    return { ok: true, dialect: dialect(), ms: Math.round(performance.now() - t0) };
  } catch (err) {
    log.error("health: database check failed", { component: "health", err });
    return { ok: false, error: "the database did not answer a query" };
  }
}

async function checkStorage(): Promise<HealthReport["storage"]> {
  const t0 = performance.now();
  const dir = path.join(getEnv().dataDir, "tmp");
  const file = path.join(dir, `health-${crypto.randomUUID()}`);
  const probe = crypto.randomBytes(16).toString("hex");
  try {
    await withTimeout(
      (async () => {
        await fsp.mkdir(dir, { recursive: true });
        await fsp.writeFile(file, probe);
        if ((await fsp.readFile(file, "utf8")) !== probe) throw new Error("read back different bytes");
        await fsp.rm(file);
      })(),
      "storage",
    );
  } catch (err) {
    await fsp.rm(file, { force: true }).catch(() => undefined);
    log.error("health: storage check failed", { component: "health", err });
    return { ok: false, error: `DATA_DIR/tmp is not writable and readable (${(err as NodeJS.ErrnoException).code ?? "error"})` };
  }
  const storage = getStorage();
  if (storage.check) {
    try {
      await withTimeout(storage.check(), "the bucket");
    } catch (err) {
      log.error("health: bucket check failed", { component: "health", err });
      const name = (err as { name?: string }).name;
      return { ok: false, error: `the storage bucket did not answer${name && name !== "Error" ? ` (${name})` : ""}` };
    }
  }
  return { ok: true, ms: Math.round(performance.now() - t0) };
}

function checkExecutor(now = Date.now()): HealthReport["executor"] {
  const mode = jobsMode().kind;
  // With an Inngest server the jobs run there: its own health is that server's business.
  if (mode !== "embedded") return { ok: true, mode };
  const executor = runningExecutor();
  if (!executor) return { ok: false, mode, error: "the embedded executor is not running" };
  const h = executor.health();
  const lastTickAgoMs = h.lastTickAt ? now - h.lastTickAt.getTime() : undefined;
  const base = { mode, state: h.state, lastTickAgoMs, inflight: h.inflight };
  if (h.state !== "running") return { ok: false, ...base, error: `the embedded executor is ${h.state}` };
  if (lastTickAgoMs === undefined || lastTickAgoMs > Math.max(STALE_TICK_MS, 10 * h.pollMs)) {
    return { ok: false, ...base, error: "the embedded executor has not looked at its queue lately" };
  }
  return { ok: true, ...base };
}

/** Checks every part; `status` is "ok" only when all are. */
export async function checkHealth(): Promise<HealthReport> {
  const [database, storage] = await Promise.all([checkDatabase(), checkStorage()]);
  const executor = checkExecutor();
  const ok = database.ok && storage.ok && executor.ok;
  return { status: ok ? "ok" : "error", database, storage, executor };
}
