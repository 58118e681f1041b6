import { z } from "zod";

/** Analytics days are UTC calendar days written `YYYY-MM-DD`; they sort and compare as text. */
export type Day = string;

const DAY_MS = 86_400_000;

/** The UTC day of `at`. */
export const utcDay = (at: Date): Day => at.toISOString().slice(0, 10);

/** `day` moved by `delta` days. */
export const addDays = (day: Day, delta: number): Day => utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + delta * DAY_MS));

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: Day, to: Day): Day[] {
  const out: Day[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

const dayField = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2025-01-31.")
  .refine((s) => utcDay(new Date(`${s}T00:00:00Z`)) === s, "Not a real date.");

export const MAX_RANGE_DAYS = 366;
const DEFAULT_RANGE_DAYS = 30;

type RangeContext = { addIssue(issue: { code: "custom"; path: string[]; message: string }): void };

function resolveRange(from: Day | undefined, to: Day | undefined, ctx: RangeContext): { from: Day; to: Day } | null {
  const end = to ?? (from ? addDays(from, DEFAULT_RANGE_DAYS - 1) : utcDay(new Date()));
  const start = from ?? addDays(end, -(DEFAULT_RANGE_DAYS - 1));
  if (start > end) {
    ctx.addIssue({ code: "custom", path: ["from"], message: "The start date is after the end date." });
    return null;
  }
  if (daysBetween(start, end).length > MAX_RANGE_DAYS) {
    ctx.addIssue({ code: "custom", path: ["from"], message: `Choose at most ${MAX_RANGE_DAYS} days.` });
    return null;
  }
  return { from: start, to: end };
}

/**
 * A report's date range (query string or form): `from` and `to` as UTC days, both included;
 * the last 30 days by default, at most a year.
 */
export const dateRangeSchema = z
  .object({ from: dayField.optional(), to: dayField.optional() })
  .transform(({ from, to }, ctx) => resolveRange(from, to, ctx) ?? z.NEVER);

export type DateRange = z.output<typeof dateRangeSchema>;

/** The analytics API's query: a date range and optionally one episode. */
export const reportQuerySchema = z
  .object({ from: dayField.optional(), to: dayField.optional(), episodeId: z.string().min(1).optional() })
  .transform(({ from, to, episodeId }, ctx) => {
    const range = resolveRange(from, to, ctx);
    return range ? { ...range, episodeId } : z.NEVER;
  });
