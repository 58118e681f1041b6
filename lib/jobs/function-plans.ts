import { compileCondition, compileKey, type ExpressionScope } from "./expressions";
import { parseDuration } from "./durations";

/**
 * What the executor needs to know about each served function, read from the SDK's in-band sync
 * payload (the same configs an Inngest server receives). Features the executor does not
 * implement are refused here, at start-up, with one error listing every problem.
 */
export interface FunctionPlan {
  id: string;
  name: string;
  /** retries + 1: the number of calls a step (or the function body) gets before failing. */
  maxAttempts: number;
  triggers: Array<{ matches(event: { name: string; data: unknown }): boolean }>;
  concurrency: Array<{ limit: number; key(event: unknown): string }>;
  cancel: Array<{ event: string; timeoutMs?: number; matches(original: unknown, incoming: unknown): boolean }>;
}

interface SyncedFunction {
  id: string;
  name?: string;
  triggers?: Array<{ event?: string; expression?: string; cron?: string }>;
  steps?: Record<string, { retries?: { attempts?: number } }>;
  concurrency?: unknown;
  cancel?: Array<{ event: string; if?: string; timeout?: string }>;
  [key: string]: unknown;
}

// Config keys an Inngest server would act on that the embedded executor does not implement.
const UNSUPPORTED: Record<string, string> = {
  batchEvents: "event batching",
  debounce: "debounce",
  throttle: "throttling",
  rateLimit: "rate limiting",
  idempotency: "idempotency keys",
  priority: "priority",
  timeouts: "function timeouts",
  singleton: "singleton",
};
const KNOWN = new Set(["id", "name", "triggers", "steps", "concurrency", "cancel", ...Object.keys(UNSUPPORTED)]);

const DEFAULT_RETRIES = 3;

export class UnsupportedFunctionsError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `The embedded job executor cannot run these functions as configured:\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        `\nRemove the option, or run with an Inngest server (INNGEST_EVENT_KEY + INNGEST_SIGNING_KEY, or INNGEST_DEV).`,
    );
    this.name = "UnsupportedFunctionsError";
  }
}

function eventMatcher(name: string): (eventName: string) => boolean {
  if (name.endsWith("*")) {
    const prefix = name.slice(0, -1);
    return (n) => n.startsWith(prefix);
  }
  return (n) => n === name;
}

function planConcurrency(fn: SyncedFunction, problems: string[]): FunctionPlan["concurrency"] {
  const raw = fn.concurrency;
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length > 2) problems.push(`${fn.id}: at most two concurrency limits are allowed`);
  const out: FunctionPlan["concurrency"] = [];
  list.forEach((item, i) => {
    const c = typeof item === "number" ? { limit: item } : (item as { limit?: unknown; key?: unknown; scope?: unknown });
    const limit = Number(c.limit);
    if (!Number.isInteger(limit) || limit < 0) return void problems.push(`${fn.id}: concurrency limit must be a whole number`);
    if (limit === 0) return; // Inngest reads 0 as "no limit"
    const scope = c.scope === undefined ? "fn" : String(c.scope);
    if (!["fn", "env", "account"].includes(scope)) return void problems.push(`${fn.id}: unknown concurrency scope "${scope}"`);
    if (scope !== "fn" && typeof c.key !== "string") return void problems.push(`${fn.id}: concurrency scope "${scope}" needs a key`);
    // One app, one environment: "env" and "account" scopes are the same thing here.
    const prefix = scope === "fn" ? `fn:${fn.id}:${i}` : `env:${String(c.key)}`;
    if (typeof c.key === "string") {
      try {
        const key = compileKey(c.key);
        out.push({ limit, key: (event) => `${prefix}|${key(event)}` });
      } catch (err) {
        problems.push(`${fn.id}: concurrency key: ${(err as Error).message}`);
      }
    } else {
      out.push({ limit, key: () => prefix });
    }
  });
  return out;
}

/** Builds the executor's plans from the synced configs; throws UnsupportedFunctionsError. */
export function planFunctions(configs: SyncedFunction[]): Map<string, FunctionPlan> {
  const problems: string[] = [];
  const plans = new Map<string, FunctionPlan>();
  for (const fn of configs) {
    for (const [key, value] of Object.entries(fn)) {
      if (value === undefined || value === null) continue;
      if (UNSUPPORTED[key]) problems.push(`${fn.id}: ${UNSUPPORTED[key]} ("${key}") is not supported`);
      else if (!KNOWN.has(key)) problems.push(`${fn.id}: the option "${key}" is not known to the embedded executor`);
    }
    const triggers: FunctionPlan["triggers"] = [];
    for (const t of fn.triggers ?? []) {
      if (t.cron) {
        problems.push(`${fn.id}: cron triggers ("${t.cron}") are not supported`);
        continue;
      }
      if (!t.event) {
        problems.push(`${fn.id}: a trigger without an event is not supported`);
        continue;
      }
      const nameMatches = eventMatcher(t.event);
      let condition: ((s: ExpressionScope) => boolean) | undefined;
      if (t.expression) {
        try {
          condition = compileCondition(t.expression, ["event"]);
        } catch (err) {
          problems.push(`${fn.id}: trigger "${t.event}": ${(err as Error).message}`);
          continue;
        }
      }
      triggers.push({ matches: (e) => nameMatches(e.name) && (!condition || condition({ event: e })) });
    }
    const cancel: FunctionPlan["cancel"] = [];
    for (const rule of fn.cancel ?? []) {
      try {
        const condition = rule.if ? compileCondition(rule.if, ["event", "async"]) : () => true;
        cancel.push({
          event: rule.event,
          timeoutMs: rule.timeout ? parseDuration(rule.timeout) : undefined,
          matches: (original, incoming) => condition({ event: original, async: incoming }),
        });
      } catch (err) {
        problems.push(`${fn.id}: cancelOn "${rule.event}": ${(err as Error).message}`);
      }
    }
    const retries = Object.values(fn.steps ?? {})[0]?.retries?.attempts ?? DEFAULT_RETRIES;
    plans.set(fn.id, {
      id: fn.id,
      name: fn.name ?? fn.id,
      maxAttempts: retries + 1,
      triggers,
      concurrency: planConcurrency(fn, problems),
      cancel,
    });
  }
  if (problems.length) throw new UnsupportedFunctionsError(problems);
  return plans;
}
