import { afterAll, describe, expect, it } from "vitest";
import { db, dialect, getConnection, tables } from "@/db";
import type { Executor } from "./executor";
import { AdvisoryLockLeadership } from "./leader";
import { silentLogger, sleep, startExecutor, stepNamed, testClient, waitFor, waitForRuns } from "./test-kit";

/**
 * Several instances on one PostgreSQL: only the holder of the leader lock works the queue; a
 * standby takes over when the leader goes (here: abandoned like a crash, which closes its lock
 * connection as a dead process's would). tests/multi-instance.pg.test.ts does the same with two
 * real servers. On SQLite there is one process and it always leads.
 */
const setup = testClient("lead");
const { client } = setup;
const ranBy: Record<string, string[]> = {};

const work = client.createFunction({ id: "work", triggers: [{ event: "lead/work" }] }, async ({ event, step }) => {
  const id = String(event.data.id);
  await step.run("first", () => (ranBy[`${id}:first`] ??= []).push("x"));
  await step.run("slow", async () => {
    (ranBy[`${id}:slow`] ??= []).push("x");
    await sleep(600);
  });
  await step.run("last", () => (ranBy[`${id}:last`] ??= []).push("x"));
  return "done";
});

const running: Executor[] = [];
afterAll(async () => {
  for (const e of running) await e.stop();
});

if (process.env.TEST_DB === "postgres") describe("leader lock on PostgreSQL", () => {
  it("runs the queue on the leader only, and a standby takes over within seconds when it dies", async () => {
    expect(dialect()).toBe("postgres");
    const leadership = () => new AdvisoryLockLeadership(getConnection().pool!, { retryMs: 200, checkMs: 500 });
    const a = await startExecutor(setup, [work], { leadership: leadership(), logger: silentLogger });
    running.push(a);
    await waitFor(async () => a.health().role === "leader", 5000, "the first executor to lead");
    const b = await startExecutor(setup, [work], { leadership: leadership(), logger: silentLogger });
    running.push(b);
    // A second tick means the first one's try for the lock has come back (refused).
    const firstTick = b.health().lastTickAt!.getTime();
    await waitFor(async () => b.health().lastTickAt!.getTime() > firstTick, 5000, "the standby's second tick");
    expect(b.health()).toMatchObject({ role: "standby", state: "running" });
    expect(Date.now() - b.health().lastTickAt!.getTime()).toBeLessThan(2000); // healthy while standing by

    await client.send({ name: "lead/work", data: { id: "one" } });
    await waitFor(async () => ranBy["one:slow"]?.length === 1, 5000, "the slow step to start");
    // Every lease so far was taken by the leader's process.
    const leased = await db.select().from(tables.jobQueue);
    expect(leased.every((q) => q.leaseToken === null || q.leaseToken.includes(`|${process.pid}|`))).toBe(true);
    expect(b.health().inflight).toBe(0);

    const killedAt = Date.now();
    await a.stop({ abandon: true });
    await waitFor(async () => b.health().role === "leader", 5000, "the standby to take over");
    expect(Date.now() - killedAt).toBeLessThan(5000);
    const [run] = await waitForRuns("lead-work", 1, 20_000);
    expect(run!.status).toBe("completed");
    expect(ranBy["one:first"]).toHaveLength(1); // finished before the crash: never again
    expect(ranBy["one:slow"]).toHaveLength(2); // cut short by the crash: run again, once
    expect(ranBy["one:last"]).toHaveLength(1);
    expect((await stepNamed(run!.id, "last"))!.status).toBe("completed");
  });
});

if (process.env.TEST_DB !== "postgres") describe("SQLite", () => {
  it("always leads (one machine, one process)", async () => {
    const e = await startExecutor(setup, [work], { logger: silentLogger });
    running.push(e);
    expect(e.health().role).toBe("single");
  });
});
