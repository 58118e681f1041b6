/**
 * The executor's durable state, on either database, one module per responsibility: the queue
 * and its leases (queue.ts), runs, steps and attempts (run-state.ts), events (events.ts) and
 * what each event starts or cancels (routing.ts). This module re-exports them for code outside
 * lib/jobs (the Jobs view's data layer).
 */
export * from "./events";
export * from "./queue";
export * from "./routing";
export * from "./run-state";
