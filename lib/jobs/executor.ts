import type { Inngest, InngestFunction } from "inngest";
import { serve } from "inngest/next";
import { transaction } from "@/db/tx";
import { db, type Db } from "@/db";
import { backoffMs, parseDuration, retryAfterMs, sleepUntil } from "./durations";
import { planFunctions, type FunctionPlan } from "./function-plans";
import { log } from "@/lib/log";
import { INNGEST_LIMITS, jsonBytes, stateTooLarge, stepOutputTooLarge, tooManySteps, type RunLimits } from "./limits";
import { singleLeadership, type Leadership } from "./leader";
import { canonicalJson, signBody } from "./signing";
import { getEventRow, insertInvokeEvent, unroutedEvents, wireEvent } from "./events";
import {
  claimJobs,
  consumeJob,
  ensureDiscover,
  enqueue,
  liveLeases,
  nextDueAt,
  releaseJob,
  renewLease,
  workPending,
  type ClaimedJob,
} from "./queue";
import { routeEvent } from "./routing";
import {
  createRun,
  finishRun,
  finishedSteps,
  getRunRow,
  getStep,
  lockRun,
  markRunning,
  recordAttempt,
  saveStep,
  setDisableImmediate,
  wakeStep,
  type RunRow,
  type SerializedError,
} from "./run-state";

/**
 * The embedded executor: a small, durable stand-in for an Inngest server that lives in the
 * app's Node process. It drives the functions through the SDK's own serve() handler, called
 * in-process with signed `Request`s speaking the same call protocol a real server uses
 * (in-band sync, then POST ?fnId&stepId with a version-2 body), and keeps every event, run,
 * step result, attempt and queue item in the app database.
 */
export const SERVE_URL = "http://embedded.podcastpro.invalid/api/inngest";

/** `fields` carry `runId` (and the function, step and attempt) on every line about a run. */
export interface ExecutorLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, err?: unknown, fields?: Record<string, unknown>): void;
}

/** What the health check reads: is the queue loop running, and when did it last look at the queue. */
export interface ExecutorHealth {
  state: "new" | "running" | "stopping" | "stopped";
  lastTickAt: Date | null;
  pollMs: number;
  inflight: number;
  concurrency: number;
  /** "standby": another instance on this database leads; this one takes over if it dies. */
  role: Leadership["role"];
}

export interface ExecutorOptions {
  client: Inngest.Any;
  functions: InngestFunction.Any[];
  /** The key the client's serve handler checks: the executor signs every call with it. */
  signingKey: string;
  /** Calls running at once in this process (the global cap). */
  concurrency: number;
  /** First retry delay; doubles each attempt, with jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long a claimed queue item stays ours without a heartbeat (crash recovery time). */
  leaseMs?: number;
  /** Longest wait between looks at the queue when nothing wakes the loop. */
  pollMs?: number;
  logger?: ExecutorLogger;
  /** Who works the queue when several instances share the database (default: this process). */
  leadership?: Leadership;
  /** Inngest's limits by default; tests lower them to stay fast. */
  limits?: Partial<RunLimits>;
}

type Handler = (req: Request) => Promise<Response>;

interface Op {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  userland?: { id?: string };
  opts?: Record<string, unknown>;
  data?: unknown;
  error?: unknown;
}

const jobsLog = log.child({ component: "jobs" });
const defaultLogger: ExecutorLogger = {
  info: (m, fields) => jobsLog.info(m, fields),
  warn: (m, fields) => jobsLog.warn(m, fields),
  error: (m, err, fields) => jobsLog.error(m, { ...fields, err }),
};

// Every executor running in this process: events sent in-process wake them at once.
const registry = globalThis as unknown as { __podcastproExecutors?: Set<Executor> };
registry.__podcastproExecutors ??= new Set();

/** Wakes the executors of this process (new events or queue items are waiting). */
export function notifyExecutors() {
  for (const e of registry.__podcastproExecutors!) e.notify();
}

/** An executor running in this process, if any. */
export function runningExecutor(): Executor | undefined {
  return registry.__podcastproExecutors!.values().next().value;
}

function toError(text: string, status: number): SerializedError {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (body && typeof body === "object") {
      const message = typeof body.message === "string" ? body.message : typeof body.error === "string" ? body.error : undefined;
      if (message) return { ...body, name: typeof body.name === "string" ? body.name : "Error", message };
    }
  } catch {
    // not JSON
  }
  return { name: "Error", message: text.slice(0, 2000) || `The function answered HTTP ${status}` };
}

function stepName(op: Op): string {
  return op.displayName ?? op.userland?.id ?? op.name ?? op.id;
}

const UNSUPPORTED_OPS: Record<string, string> = {
  WaitForEvent: "step.waitForEvent",
  WaitForSignal: "step.waitForSignal",
  AIGateway: "step.ai.infer",
  Gateway: "step.fetch",
  DeferAdd: "defer()",
  DeferAbort: "defer()",
};

export class Executor {
  readonly plans = new Map<string, FunctionPlan>();
  /** Calls made and the time spent inside the SDK's handler (for the benchmark). */
  readonly stats = { calls: 0, handlerMs: 0 };
  private readonly opts: Required<Omit<ExecutorOptions, "client" | "functions" | "signingKey" | "leadership" | "limits">> & ExecutorOptions;
  private readonly leadership: Leadership;
  private readonly limits: RunLimits;
  private readonly handler: { POST: Handler; PUT: Handler };
  private readonly inflight = new Map<string, Promise<void>>();
  private state: "new" | "running" | "stopping" | "stopped" = "new";
  // Set by stop({ abandon: true }): like a crashed process, write nothing more.
  private dead = false;
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> | undefined;
  private lastTickAt: number | null = null;

  constructor(options: ExecutorOptions) {
    this.opts = {
      backoffBaseMs: 1000,
      backoffMaxMs: 10 * 60_000,
      leaseMs: 15_000,
      pollMs: 1000,
      logger: defaultLogger,
      ...options,
    };
    this.leadership = options.leadership ?? singleLeadership();
    this.limits = { ...INNGEST_LIMITS, ...options.limits };
    const h = serve({ client: options.client, functions: options.functions, enableUnauthedSync: false });
    this.handler = { POST: h.POST as unknown as Handler, PUT: h.PUT as unknown as Handler };
  }

  /** Learns the functions (refusing unsupported configs) and starts working the queue. */
  async start() {
    if (this.state !== "new") throw new Error("An executor starts once");
    const functions = await this.sync();
    for (const [id, plan] of planFunctions(functions)) this.plans.set(id, plan);
    this.state = "running";
    registry.__podcastproExecutors!.add(this);
    this.loopDone = this.loop();
    this.opts.logger.info(`embedded executor running ${this.plans.size} function(s), ${this.opts.concurrency} at a time`);
  }

  /**
   * Stops taking work. By default waits for calls in flight (up to `timeoutMs`) and gives back
   * their queue items; with `abandon` it behaves like a crash: nothing more is written and
   * the leases run out on their own.
   */
  async stop(opts: { abandon?: boolean; timeoutMs?: number } = {}) {
    if (this.state !== "running") return;
    this.state = "stopping";
    registry.__podcastproExecutors!.delete(this);
    if (opts.abandon) this.dead = true;
    this.notify();
    await this.loopDone;
    if (!opts.abandon) {
      const all = Promise.all(this.inflight.values());
      await Promise.race([all, new Promise((r) => setTimeout(r, opts.timeoutMs ?? 10_000).unref())]);
    }
    // Only now: a standby must not take over while calls of ours still run.
    await this.leadership.release();
    this.state = "stopped";
  }

  /** A read-only snapshot for the health check. */
  health(): ExecutorHealth {
    return {
      state: this.state,
      lastTickAt: this.lastTickAt === null ? null : new Date(this.lastTickAt),
      pollMs: this.opts.pollMs,
      inflight: this.inflight.size,
      concurrency: this.opts.concurrency,
      role: this.leadership.role,
    };
  }

  /**
   * Resolves once there is nothing to do right now: every event routed, no call in flight and
   * no queue item due (sleeps and retries set for later do not count). Tests wait on this rather
   * than on time; it rejects after `timeoutMs`, so a state that never comes fails the test.
   */
  async idle(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.state !== "running") throw new Error(`The executor is ${this.state}, not running`);
      // In flight first: a call finishing commits its follow-up work before leaving `inflight`.
      if (this.inflight.size === 0 && !(await workPending())) return;
      if (Date.now() > until) throw new Error(`The executor was still busy after ${timeoutMs} ms`);
      this.notify();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Looks at the queue now instead of at the next poll. */
  notify() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async sync(): Promise<Array<{ id: string } & Record<string, unknown>>> {
    const body = canonicalJson({ url: SERVE_URL });
    const res = await this.handler.PUT(
      new Request(SERVE_URL, {
        method: "PUT",
        headers: {
          "content-type": "application/json",
          "x-inngest-sync-kind": "in_band",
          "x-inngest-signature": signBody(body, this.opts.signingKey),
        },
        body,
      }),
    );
    const text = await res.text();
    if (res.status !== 200 || res.headers.get("x-inngest-sync-kind") !== "in_band") {
      throw new Error(`The in-band sync with the app's serve handler failed (HTTP ${res.status}): ${text.slice(0, 500)}`);
    }
    return (JSON.parse(text) as { functions: Array<{ id: string } & Record<string, unknown>> }).functions;
  }

  private async loop() {
    while (this.state === "running") {
      this.lastTickAt = Date.now();
      try {
        // A standby only ticks (and tries for the lead), so its health stays visible.
        if (!(await this.leadership.hold())) {
          await this.pause(true);
          continue;
        }
        await this.routeEvents();
        const free = this.opts.concurrency - this.inflight.size;
        if (free > 0) {
          for (const claimed of await claimJobs(free, this.opts.leaseMs)) this.launch(claimed);
        }
      } catch (err) {
        this.opts.logger.error("queue loop error", err);
      }
      await this.pause();
    }
  }

  private async pause(standby = false) {
    if (this.state !== "running") return;
    let wait = this.opts.pollMs;
    if (!standby && this.inflight.size < this.opts.concurrency) {
      const due = await nextDueAt().catch(() => null);
      if (due) wait = Math.max(0, Math.min(wait, due.getTime() - Date.now()));
    }
    if (wait === 0 && this.inflight.size < this.opts.concurrency) {
      await new Promise((r) => setImmediate(r));
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, wait);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async routeEvents() {
    for (;;) {
      const events = await unroutedEvents(50);
      for (const event of events) await routeEvent(event, this.plans);
      if (events.length < 50) return;
    }
  }

  private launch(claimed: ClaimedJob) {
    const heartbeat = setInterval(() => {
      if (this.dead) return;
      renewLease(claimed, this.opts.leaseMs).catch((err) =>
        this.opts.logger.error("lease renewal failed", err, { runId: claimed.job.runId }),
      );
    }, Math.max(50, Math.floor(this.opts.leaseMs / 3)));
    heartbeat.unref?.();
    const work = (async () => {
      try {
        if (claimed.job.kind === "timeout") await this.invokeTimeout(claimed);
        else await this.call(claimed);
      } catch (err) {
        if (this.dead) return;
        // Our own failure (the database refused the call's effect, say) counts as an attempt:
        // the call runs again with the next attempt number, and once the function's retries
        // are used up the next call fails the run (giveUp) instead of re-running the user's step
        // for ever.
        const { job } = claimed;
        const next = job.attempt + 1;
        this.opts.logger.error("executor error; retrying the call", err, { runId: job.runId, attempt: job.attempt });
        const now = Date.now();
        await recordAttempt(db, {
          runId: job.runId,
          // A discovery's step id is a sleep that woke, not the step the failure was about.
          stepHashedId: job.kind === "discover" ? null : job.stepId,
          attempt: job.attempt,
          outcome: "error",
          error: { name: "ExecutorStorageError", message: "The job could not save its progress (database error)" },
          startedAt: new Date(now),
          endedAt: new Date(now),
        }).catch(() => undefined);
        const delay = backoffMs(next, this.opts.backoffBaseMs, this.opts.backoffMaxMs);
        await releaseJob(claimed, new Date(now + delay), next).catch(() => undefined);
      } finally {
        clearInterval(heartbeat);
        // An abandoned executor's leases stay "live" in this process: they must expire, as a
        // crashed process's would.
        if (!this.dead) liveLeases.delete(claimed.leaseToken);
        this.inflight.delete(claimed.job.id);
        this.notify();
      }
    })();
    this.inflight.set(claimed.job.id, work);
  }

  /** Applies a call's effect in one transaction, only if the queue item is still ours. */
  private async apply(claimed: ClaimedJob, body: (tx: Db, run: RunRow) => Promise<void>) {
    if (this.dead) return;
    await transaction(async (tx) => {
      // The run's lock first, then the queue item: the other way round, a step call that had
      // deleted its item could wait for the lock held by a discovery call that re-queues the
      // same step (PostgreSQL makes that insert wait for the delete): a deadlock, whose loser
      // ran its step twice.
      const run = await lockRun(tx, claimed.job.runId);
      if (!(await consumeJob(tx, claimed))) return;
      if (!run || (run.status !== "running" && run.status !== "queued")) return;
      await body(tx, run);
    });
  }

  /**
   * Only the executor's own errors (see launch) push a queue item past the last attempt: the
   * function's retries went on saving its progress, so the run fails, as the server's fault.
   */
  private async giveUp(tx: Db, run: RunRow, attempts: number) {
    await finishRun(tx, run, {
      status: "failed",
      error: { name: "ExecutorStorageError", message: `The job could not save its progress (database error) after ${attempts} attempts` },
    });
  }

  private async invokeTimeout(claimed: ClaimedJob) {
    const { stepId, attempt } = claimed.job;
    await this.apply(claimed, async (tx, run) => {
      const plan = this.plans.get(run.functionId);
      if (plan && attempt >= plan.maxAttempts) return this.giveUp(tx, run, attempt);
      const step = await getStep(tx, run.id, stepId!);
      if (!step || step.status !== "waiting") return;
      const error = { name: "InngestInvokeTimeoutError", message: "Timed out waiting for the invoked function to finish" };
      await saveStep(tx, { ...step, status: "failed", result: { type: "error", error }, endedAt: new Date() });
      await ensureDiscover(tx, run.id);
    });
  }

  private async call(claimed: ClaimedJob) {
    const { job } = claimed;
    const run = await getRunRow(db, job.runId);
    if (!run || (run.status !== "running" && run.status !== "queued")) {
      await this.apply(claimed, async () => undefined);
      return;
    }
    const plan = this.plans.get(run.functionId);
    if (!plan) {
      await this.apply(claimed, async (tx, r) => {
        await finishRun(tx, r, {
          status: "failed",
          error: { name: "FunctionNotFoundError", message: `The function "${run.functionId}" is not served by this app (renamed or removed?)` },
        });
      });
      return;
    }
    if (job.attempt >= plan.maxAttempts) {
      await this.apply(claimed, (tx, r) => this.giveUp(tx, r, job.attempt));
      return;
    }
    if (job.kind === "discover" && job.stepId) {
      const sleepId = job.stepId;
      await transaction((tx) => wakeStep(tx, run.id, sleepId));
    }
    if (run.status === "queued") await markRunning(run.id);
    const event = await getEventRow(db, run.eventId);
    if (!event) throw new Error(`Run ${run.id} has lost its event`);
    const steps = await finishedSteps(run.id);
    const requested = job.kind === "step" ? job.stepId! : "step";
    const wire = wireEvent(event);
    const payload = {
      version: 2,
      event: wire,
      events: [wire],
      steps: Object.fromEntries(steps.map((s) => [s.hashedId, s.result])),
      ctx: {
        run_id: run.id,
        attempt: job.attempt,
        max_attempts: plan.maxAttempts,
        disable_immediate_execution: run.disableImmediate,
        use_api: false,
        stack: { stack: steps.map((s) => s.hashedId), current: steps.length },
      },
    };
    // The run's state as an Inngest server counts it, before this call adds to it.
    const stateBytes = jsonBytes(event.data) + steps.reduce((sum, s) => sum + jsonBytes(s.result), 0);
    const startedAt = new Date();
    let status: number;
    let text: string;
    let headers: Headers;
    try {
      const t0 = performance.now();
      const res = await this.post(plan.id, requested, payload);
      status = res.status;
      headers = res.headers;
      text = await res.text();
      this.stats.calls++;
      this.stats.handlerMs += performance.now() - t0;
    } catch (err) {
      status = 500;
      headers = new Headers();
      text = JSON.stringify({ name: "ExecutorError", message: `Calling the function failed: ${(err as Error).message}` });
    }
    const endedAt = new Date();
    const at = { startedAt, endedAt };
    this.opts.logger.info("job call", {
      runId: run.id,
      functionId: plan.id,
      step: job.kind === "step" ? job.stepId : "discover",
      attempt: job.attempt,
      status,
      ms: endedAt.getTime() - startedAt.getTime(),
    });

    await this.apply(claimed, async (tx, current) => {
      if (status === 200) {
        const output: unknown = text ? JSON.parse(text) : null;
        await this.complete(tx, current, output, stateBytes);
        return;
      }
      if (status === 206) {
        const parsed = JSON.parse(text) as Op | Op[];
        await this.applyOps(tx, current, plan, claimed, Array.isArray(parsed) ? parsed : [parsed], at, headers, stateBytes);
        return;
      }
      // An error outside any step (or a protocol problem): the whole call is retried.
      const error = toError(text, status);
      const noRetry = headers.get("x-inngest-no-retry") === "true";
      const final = noRetry || job.attempt + 1 >= plan.maxAttempts;
      const stepHashedId = job.kind === "step" ? job.stepId : null;
      await recordAttempt(tx, { runId: current.id, stepHashedId, attempt: job.attempt, outcome: final ? "failed" : "error", error, ...at });
      if (final) {
        await finishRun(tx, current, { status: "failed", error });
      } else {
        await enqueue(tx, { runId: current.id, kind: job.kind, stepId: job.stepId, attempt: job.attempt + 1, runAt: this.retryAt(job.attempt + 1, headers) });
      }
    });
  }

  /** Completes the run with the function's return value, unless that overflows the run's state. */
  private async complete(tx: Db, run: RunRow, output: unknown, stateBytes: number) {
    const total = stateBytes + jsonBytes(output);
    if (total > this.limits.maxStateBytes) {
      await finishRun(tx, run, { status: "failed", error: stateTooLarge(total, this.limits) });
      return;
    }
    await finishRun(tx, run, { status: "completed", output: output ?? null });
  }

  private retryAt(nextAttempt: number, headers: Headers): Date {
    const now = new Date();
    const header = headers.get("retry-after");
    const asked = header ? retryAfterMs(header, now) : undefined;
    const delay = asked ?? backoffMs(nextAttempt, this.opts.backoffBaseMs, this.opts.backoffMaxMs);
    return new Date(now.getTime() + delay);
  }

  private async applyOps(
    tx: Db,
    run: RunRow,
    plan: FunctionPlan,
    claimed: ClaimedJob,
    ops: Op[],
    at: { startedAt: Date; endedAt: Date },
    headers: Headers,
    stateBytes: number,
  ) {
    const { job } = claimed;
    let discover = false;
    // Every op but RunComplete is about a step beyond the finished ones (`stepCount`).
    if (run.stepCount >= this.limits.maxSteps && ops.some((o) => o.op !== "RunComplete")) {
      await finishRun(tx, run, { status: "failed", error: tooManySteps(this.limits) });
      return;
    }
    let state = stateBytes;
    // Several ops at once means parallel steps: from now on each step gets its own call.
    if (!run.disableImmediate && (ops.length > 1 || ops.some((o) => o.op === "StepPlanned"))) {
      await setDisableImmediate(tx, run.id);
    }
    for (const op of ops) {
      const name = stepName(op);
      const base = { runId: run.id, hashedId: op.id, name, op: op.op, attempts: job.attempt + 1, startedAt: at.startedAt };
      switch (op.op) {
        case "StepRun": {
          const bytes = jsonBytes(op.data);
          if (bytes > this.limits.maxStepOutputBytes) {
            // As Inngest does: the step fails for good (running it again returns as much).
            const error = stepOutputTooLarge(name, bytes, this.limits);
            await recordAttempt(tx, { runId: run.id, stepHashedId: op.id, attempt: job.attempt, outcome: "failed", error, ...at });
            await saveStep(tx, { ...base, op: "StepRun", status: "failed", result: { type: "error", error }, endedAt: at.endedAt });
            discover = true;
            break;
          }
          state += bytes;
          if (state > this.limits.maxStateBytes) {
            await finishRun(tx, run, { status: "failed", error: stateTooLarge(state, this.limits) });
            return;
          }
          await saveStep(tx, { ...base, op: "StepRun", status: "completed", result: { type: "data", data: op.data ?? null }, endedAt: at.endedAt });
          await recordAttempt(tx, { runId: run.id, stepHashedId: op.id, attempt: job.attempt, outcome: "ok", ...at });
          discover = true;
          break;
        }
        case "StepError":
        case "StepFailed": {
          const error = (op.error ?? { name: "Error", message: "The step failed" }) as SerializedError;
          const final = op.op === "StepFailed" || job.attempt + 1 >= plan.maxAttempts;
          await recordAttempt(tx, { runId: run.id, stepHashedId: op.id, attempt: job.attempt, outcome: final ? "failed" : "error", error, ...at });
          if (final) {
            await saveStep(tx, { ...base, op: "StepRun", status: "failed", result: { type: "error", error }, endedAt: at.endedAt });
            discover = true;
          } else {
            await saveStep(tx, { ...base, op: "StepRun", status: "retrying" });
            await enqueue(tx, { runId: run.id, kind: "step", stepId: op.id, attempt: job.attempt + 1, runAt: this.retryAt(job.attempt + 1, headers) });
          }
          break;
        }
        case "StepPlanned": {
          // Parallel siblings are planned again while they run: queue each one once.
          const existing = await getStep(tx, run.id, op.id);
          if (existing && (existing.status === "completed" || existing.status === "failed")) break;
          await enqueue(tx, { runId: run.id, kind: "step", stepId: op.id, attempt: 0, runAt: new Date() });
          break;
        }
        case "Sleep": {
          if (await getStep(tx, run.id, op.id)) break;
          const wakeAt = sleepUntil(op.name ?? "", at.endedAt);
          await saveStep(tx, { ...base, attempts: 0, status: "sleeping", wakeAt });
          await enqueue(tx, { runId: run.id, kind: "discover", stepId: op.id, attempt: 0, runAt: wakeAt });
          break;
        }
        case "InvokeFunction": {
          if (await getStep(tx, run.id, op.id)) break;
          await this.invoke(tx, run, op, base);
          break;
        }
        case "RunComplete": {
          await this.complete(tx, run, op.data ?? null, state);
          return;
        }
        default: {
          const feature = UNSUPPORTED_OPS[op.op];
          const message = feature
            ? `${feature} (step "${name}") is not supported by the embedded executor; run with an Inngest server to use it`
            : `The SDK asked for the unknown operation "${op.op}" (step "${name}"); this executor cannot run it`;
          await finishRun(tx, run, { status: "failed", error: { name: "UnsupportedOperationError", message } });
          return;
        }
      }
    }
    if (discover) await ensureDiscover(tx, run.id);
  }

  private async invoke(tx: Db, run: RunRow, op: Op, base: { runId: string; hashedId: string; name: string; startedAt: Date }) {
    const opts = (op.opts ?? {}) as { function_id?: string; payload?: { data?: Record<string, unknown> }; timeout?: string };
    const target = opts.function_id ? this.plans.get(opts.function_id) : undefined;
    if (!target) {
      const error = { name: "NonRetriableError", message: `step.invoke: the function "${opts.function_id}" is not served by this app` };
      await saveStep(tx, { ...base, op: op.op, attempts: 0, status: "failed", result: { type: "error", error }, endedAt: new Date() });
      await ensureDiscover(tx, run.id);
      return;
    }
    const data = { ...(opts.payload?.data ?? {}), _inngest: { source_run_id: run.id, source_fn_id: run.functionId } };
    const event = await insertInvokeEvent(tx, data, run.userId);
    const childRunId = await createRun(tx, target, event, { userId: run.userId, parentRunId: run.id, parentStepId: op.id });
    await saveStep(tx, { ...base, op: op.op, attempts: 0, status: "waiting", childRunId });
    if (opts.timeout) {
      const runAt = new Date(Date.now() + parseDuration(opts.timeout));
      await enqueue(tx, { runId: run.id, kind: "timeout", stepId: op.id, attempt: 0, runAt });
    }
  }

  private post(fnId: string, stepId: string, payload: unknown): Promise<Response> {
    const body = canonicalJson(payload);
    const url = `${SERVE_URL}?fnId=${encodeURIComponent(fnId)}&stepId=${encodeURIComponent(stepId)}`;
    return this.handler.POST(
      new Request(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-inngest-signature": signBody(body, this.opts.signingKey),
          "x-inngest-server-kind": "cloud",
        },
        body,
      }),
    );
  }
}
