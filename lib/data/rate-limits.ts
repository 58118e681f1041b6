import "server-only";
import { eq, lt, sql } from "drizzle-orm";
import { db, tables } from "@/db";

export interface RateCount {
  count: number;
  /** Epoch milliseconds when the window ends and the count starts again from zero. */
  resetAt: number;
}

/**
 * Counts one event against `key` in a fixed window of `windowMs` and returns the count so far.
 * One atomic upsert, so concurrent requests (or instances sharing PostgreSQL) never lose a hit.
 */
export async function hitRateLimit(key: string, windowMs: number, now = Date.now()): Promise<RateCount> {
  const t = tables.rateLimits;
  const fresh = now + windowMs;
  const [row] = await db
    .insert(t)
    .values({ key, count: 1, resetAt: fresh })
    .onConflictDoUpdate({
      target: t.key,
      set: {
        count: sql`case when ${t.resetAt} <= ${now} then 1 else ${t.count} + 1 end`,
        resetAt: sql`case when ${t.resetAt} <= ${now} then ${fresh} else ${t.resetAt} end`,
      },
    })
    .returning({ count: t.count, resetAt: t.resetAt });
  // Expired windows are garbage: drop them now and then rather than with a sweeper.
  if (Math.random() < 0.01) await db.delete(t).where(lt(t.resetAt, now));
  return { count: Number(row!.count), resetAt: Number(row!.resetAt) };
}

/** The current count of `key`, without counting anything (0 once its window has passed). */
export async function peekRateLimit(key: string, now = Date.now()): Promise<RateCount> {
  const t = tables.rateLimits;
  const [row] = await db.select({ count: t.count, resetAt: t.resetAt }).from(t).where(eq(t.key, key));
  if (!row || Number(row.resetAt) <= now) return { count: 0, resetAt: now };
  return { count: Number(row.count), resetAt: Number(row.resetAt) };
}

/** Forgets `key`'s count (a successful sign-in clears that account's failures). */
export async function clearRateLimit(key: string): Promise<void> {
  const t = tables.rateLimits;
  await db.delete(t).where(eq(t.key, key));
}
