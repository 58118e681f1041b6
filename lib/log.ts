/**
 * Structured logs: one JSON object per line (`time`, `level`, `msg`, the context's
 * `requestId` / `runId`, then the fields). Errors become `{name, message, stack}`; fields whose
 * name looks like a credential are replaced by "[redacted]".
 *
 * This module imports nothing from Node or the app on purpose: client components import
 * `lib/form-state.ts`, which logs through it, so it must bundle for the browser too. Its state
 * (level, sink, request context) lives on `globalThis` because Next.js bundles
 * `instrumentation.ts` and the routes separately, each with its own copy of this module.
 * `lib/server-start.ts` sets the level from `LOG_LEVEL` (lib/env.ts).
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

type Sink = (line: string, level: LogLevel) => void;

interface ContextStore<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

interface LogState {
  level: LogLevel;
  sink: Sink;
  context?: ContextStore<LogFields> | null;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|signature|^hash$/i;

const defaultSink: Sink = (line, level) => {
  // stderr for problems, stdout for the rest, as process managers expect.
  // eslint-disable-next-line no-console -- the one place log lines reach the process's streams
  if (level === "error" || level === "warn") console.error(line);
  // eslint-disable-next-line no-console -- the one place log lines reach the process's streams
  else console.log(line);
};

const holder = globalThis as unknown as { __podcastproLog?: LogState };
const state = (): LogState => (holder.__podcastproLog ??= { level: "info", sink: defaultSink });

/** The request-scoped context (AsyncLocalStorage), looked up at run time so nothing Node-only is bundled. */
function contextStore(): ContextStore<LogFields> | null {
  const s = state();
  if (s.context === undefined) {
    s.context = null;
    try {
      const hooks = process.getBuiltinModule?.("node:async_hooks") as typeof import("node:async_hooks") | undefined;
      if (hooks) s.context = new hooks.AsyncLocalStorage<LogFields>();
    } catch {
      // not on Node: no request context
    }
  }
  return s.context;
}

/** Sets the minimum level written (from LOG_LEVEL at start-up). */
export function setLogLevel(level: LogLevel) {
  state().level = level;
}

/** Runs `fn` with `fields` (e.g. `{ requestId }`) added to every line logged inside it, across awaits. */
export function withLogContext<R>(fields: LogFields, fn: () => R): R {
  const store = contextStore();
  if (!store) return fn();
  return store.run({ ...store.getStore(), ...fields }, fn);
}

/** The current context's fields (e.g. the request id), if any. */
export function logContext(): LogFields {
  return contextStore()?.getStore() ?? {};
}

/** A fresh request id, or the caller's own if it is a short token (a proxy's X-Request-Id). */
export function requestIdFrom(header: string | null | undefined): string {
  if (header && /^[\w.:-]{1,128}$/.test(header)) return header;
  return crypto.randomUUID();
}

function serialize(value: unknown, key: string, depth: number): unknown {
  if (key && SECRET_KEY.test(key) && value !== undefined && value !== null && value !== false) return "[redacted]";
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: value.message };
    if (value.stack) out.stack = value.stack;
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.cause !== undefined && depth < 3) out.cause = serialize(value.cause, "", depth + 1);
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return depth < 4 ? value.slice(0, 50).map((v) => serialize(v, "", depth + 1)) : "[array]";
  if (value && typeof value === "object") {
    if (depth >= 4) return "[object]";
    const out: LogFields = {};
    for (const [k, v] of Object.entries(value)) out[k] = serialize(v, k, depth + 1);
    return out;
  }
  return value;
}

function write(level: LogLevel, msg: string, fields: LogFields) {
  const s = state();
  if (ORDER[level] < ORDER[s.level]) return;
  const record: LogFields = { time: new Date().toISOString(), level, msg };
  for (const [k, v] of Object.entries({ ...logContext(), ...fields })) {
    if (v !== undefined && !(k in record)) record[k] = serialize(v, k, 0);
  }
  let line: string;
  try {
    line = JSON.stringify(record);
  } catch {
    line = JSON.stringify({ time: record.time, level, msg, logError: "fields not serializable" });
  }
  s.sink(line, level);
}

function makeLogger(base: LogFields): Logger {
  return {
    debug: (msg, fields) => write("debug", msg, { ...base, ...fields }),
    info: (msg, fields) => write("info", msg, { ...base, ...fields }),
    warn: (msg, fields) => write("warn", msg, { ...base, ...fields }),
    error: (msg, fields) => write("error", msg, { ...base, ...fields }),
    child: (fields) => makeLogger({ ...base, ...fields }),
  };
}

/** The app's logger. `log.child({ component: "jobs" })` for a part of the app. */
export const log: Logger = makeLogger({});

/** Tests: collects every line written (at any level) until `restore()`. */
export function captureLogs(): { lines: string[]; records: () => LogFields[]; restore: () => void } {
  const s = state();
  const previous = { sink: s.sink, level: s.level };
  const lines: string[] = [];
  s.sink = (line) => lines.push(line);
  s.level = "debug";
  return {
    lines,
    records: () => lines.map((l) => JSON.parse(l) as LogFields),
    restore: () => {
      s.sink = previous.sink;
      s.level = previous.level;
    },
  };
}
