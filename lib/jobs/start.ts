import { dialect, getConnection } from "@/db";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { Executor } from "./executor";
import { AdvisoryLockLeadership } from "./leader";
import { jobsMode } from "./mode";

// One executor per Node process, surviving dev-mode module reloads.
const holder = globalThis as unknown as { __podcastproJobs?: Promise<Executor | null> };

/**
 * Starts the embedded executor unless an Inngest server runs the jobs. Refuses to start (throws)
 * when a served function uses something the executor does not support.
 */
export function startJobs(): Promise<Executor | null> {
  holder.__podcastproJobs ??= (async () => {
    const mode = jobsMode();
    if (mode.kind !== "embedded") {
      jobsLog.info("events go to an Inngest server; embedded executor off", { server: mode.kind });
      return null;
    }
    const [{ inngest }, { functions }] = await Promise.all([import("@/inngest/client"), import("@/inngest/functions")]);
    const executor = new Executor({
      client: inngest,
      functions,
      signingKey: mode.signingKey,
      concurrency: getEnv().EXECUTOR_CONCURRENCY,
      // Several app instances may share a PostgreSQL database: one of them works the queue.
      leadership: dialect() === "postgres" ? new AdvisoryLockLeadership(getConnection().pool!, { onChange: logLeadership }) : undefined,
    });
    // No signal handlers: Next.js owns shutdown. A call cut short is taken over by the next
    // start on this machine (the dead process's leases are recognised), or after its lease.
    await executor.start();
    return executor;
  })().catch((err) => {
    holder.__podcastproJobs = undefined;
    throw err;
  });
  return holder.__podcastproJobs;
}

const jobsLog = log.child({ component: "jobs" });
function logLeadership(role: "leader" | "standby", reason?: unknown) {
  if (role === "leader") jobsLog.info("this instance now runs the embedded executor's queue (leader)");
  else jobsLog.warn("lost the executor leadership; standing by", { err: reason });
}
