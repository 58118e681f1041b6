/**
 * Times as the SDK writes them on the wire: `step.sleep` and timeouts use its compact duration
 * strings ("1w2d3h4m5s", at least 1s), `step.sleepUntil` an ISO date, `RetryAfterError` either
 * whole seconds ("30") or an ISO date.
 */
const UNITS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Milliseconds in an SDK duration string such as "2s" or "1h30m"; "" is zero. */
export function parseDuration(value: string): number {
  const text = value.trim();
  if (text === "") return 0;
  if (/^\d+$/.test(text)) return Number(text);
  let total = 0;
  let rest = text;
  const part = /^(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/;
  while (rest.length) {
    const m = part.exec(rest);
    if (!m) throw new Error(`Cannot read the duration "${value}"`);
    total += Number(m[1]) * UNITS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T/;

/** When a `Sleep` op named `name` (a duration or an ISO date) wakes, counted from `now`. */
export function sleepUntil(name: string, now: Date): Date {
  if (ISO_DATE.test(name)) {
    const at = Date.parse(name);
    if (Number.isNaN(at)) throw new Error(`Cannot read the wake-up time "${name}"`);
    return new Date(at);
  }
  return new Date(now.getTime() + parseDuration(name));
}

/** The delay a `retry-after` value asks for: whole seconds or an ISO date. */
export function retryAfterMs(value: string, now: Date): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** Exponential backoff with jitter: about base·2^(attempt-1), between 75% and 125% of it, capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(Math.min(maxMs, exp * (0.75 + Math.random() * 0.5)));
}
