import { and, eq, inArray, isNull } from "drizzle-orm";
import { tables } from "@/db";
import { transaction } from "@/db/tx";
import { wireEvent, type EventRow } from "./events";
import type { FunctionPlan } from "./function-plans";
import { ACTIVE, cancelRunTx, createRun } from "./run-state";

/**
 * Routes one event, once across all processes: starts the runs it triggers and cancels the
 * runs whose cancelOn rules it matches. Null when another worker routed it first.
 */
export async function routeEvent(event: EventRow, plans: Map<string, FunctionPlan>): Promise<{ started: number; cancelled: number } | null> {
  return transaction(async (tx) => {
    const claimed = await tx
      .update(tables.jobEvents)
      .set({ routedAt: new Date() })
      .where(and(eq(tables.jobEvents.id, event.id), isNull(tables.jobEvents.routedAt)))
      .returning({ id: tables.jobEvents.id });
    if (!claimed.length) return null;
    const wire = wireEvent(event);
    let started = 0;
    let cancelled = 0;
    for (const plan of plans.values()) {
      if (plan.triggers.some((t) => t.matches(wire))) {
        await createRun(tx, plan, event);
        started++;
      }
      const rules = plan.cancel.filter((r) => r.event === event.name);
      if (!rules.length) continue;
      const candidates = await tx
        .select({ run: tables.jobRuns, event: tables.jobEvents })
        .from(tables.jobRuns)
        .innerJoin(tables.jobEvents, eq(tables.jobRuns.eventId, tables.jobEvents.id))
        .where(and(eq(tables.jobRuns.functionId, plan.id), inArray(tables.jobRuns.status, ACTIVE)));
      for (const c of candidates) {
        const age = event.ts.getTime() - c.run.createdAt.getTime();
        const hit = rules.some((r) => (r.timeoutMs === undefined || age <= r.timeoutMs) && r.matches(wireEvent(c.event), wire));
        if (hit && (await cancelRunTx(tx, c.run.id, `Cancelled by the event "${event.name}"`))) cancelled++;
      }
    }
    return { started, cancelled };
  });
}
