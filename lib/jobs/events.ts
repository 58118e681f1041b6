import { asc, eq, isNull } from "drizzle-orm";
import { db, tables, type Db } from "@/db";
import { newId } from "@/lib/ids";

/**
 * The executor's events: those the app sends (the embedded event API), those it emits itself
 * (function.failed, function.invoked), and the form in which the SDK receives them. Which runs
 * an event starts or cancels is decided in routing.ts.
 */
export type EventRow = typeof tables.jobEvents.$inferSelect;

export const FUNCTION_FAILED = "inngest/function.failed";
export const FUNCTION_INVOKED = "inngest/function.invoked";

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

export async function getEventRow(tx: Db, eventId: string): Promise<EventRow | undefined> {
  const [event] = await tx.select().from(tables.jobEvents).where(eq(tables.jobEvents.id, eventId));
  return event;
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
