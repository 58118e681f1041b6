import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { eq, isNotNull } from "drizzle-orm";
import type { InngestFunction } from "inngest";
import { db, tables } from "@/db";
import { serve } from "inngest/next";
import { Executor } from "./executor";
import { UnsupportedFunctionsError } from "./function-plans";
import { embeddedSigningKey } from "./mode";
import { canonicalJson, signBody } from "./signing";
import { runsOf, sleep, startExecutor, stepNamed, silentLogger, testClient, waitFor, waitForRuns } from "./test-kit";

/**
 * What happens around the calls: crash and restart (durability), the global cap, refusing
 * what is not supported at start-up, and refusing unsigned calls from outside.
 */
const setup = testClient("life");
const { client } = setup;
const count: Record<string, number> = {};
const bump = (key: string) => (count[key] = (count[key] ?? 0) + 1);

const durable = client.createFunction({ id: "durable", triggers: [{ event: "life/durable" }] }, async ({ event, step }) => {
  const id = String(event.data.id);
  await step.run("fetch the upload", () => bump(`${id}:fetch`));
  await step.run("slow work", async () => {
    bump(`${id}:slow`);
    await sleep(Number(event.data.slowMs));
    return "slow done";
  });
  await step.sleep("nap", "1s");
  await step.run("finish", () => bump(`${id}:finish`));
  return "done";
});

const running: Executor[] = [];
async function start(opts: Parameters<typeof startExecutor>[2] = {}, fns: InngestFunction.Any[] = [durable]) {
  const e = await startExecutor(setup, fns, { leaseMs: 600, ...opts });
  running.push(e);
  return e;
}
afterAll(async () => {
  for (const e of running) await e.stop();
});

describe("restart", () => {
  it("resumes a run stopped mid-step from its last stored step", async () => {
    const first = await start();
    await client.send({ name: "life/durable", data: { id: "mid-run", slowMs: 800 } });
    await waitFor(async () => count["mid-run:slow"] === 1, 5000, "the slow step to start");
    await first.stop({ abandon: true }); // a crash: no more writes, the lease runs out

    await start();
    const [run] = await waitForRuns("life-durable", 1, 15_000);
    expect(run!.status).toBe("completed");
    expect(count["mid-run:fetch"]).toBe(1); // finished before the crash: not run again
    expect(count["mid-run:slow"]).toBe(2); // unfinished at the crash: run again
    expect(count["mid-run:finish"]).toBe(1);
    expect((await stepNamed(run!.id, "fetch the upload"))!.seq).toBe(1);
  });

  it("keeps a sleeping run's wake-up time across a restart", async () => {
    const second = running[running.length - 1]!;
    await client.send({ name: "life/durable", data: { id: "mid-sleep", slowMs: 10 } });
    const sleeping = await waitFor(async () => {
      const run = (await runsOf("life-durable"))[1];
      const nap = run && (await stepNamed(run.id, "nap"));
      return run && nap?.status === "sleeping" && { run, nap };
    });
    await second.stop({ abandon: true });

    await start();
    const runs = await waitForRuns("life-durable", 2, 15_000);
    const run = runs.find((r) => r.id === sleeping.run.id)!;
    expect(run.status).toBe("completed");
    const nap = await stepNamed(run.id, "nap");
    expect(nap!.wakeAt!.getTime()).toBe(sleeping.nap.wakeAt!.getTime());
    expect(nap!.endedAt!.getTime()).toBeGreaterThanOrEqual(sleeping.nap.wakeAt!.getTime());
    expect(run.endedAt!.getTime()).toBeGreaterThanOrEqual(sleeping.nap.wakeAt!.getTime());
    expect(count["mid-sleep:fetch"]).toBe(1);
    expect(count["mid-sleep:slow"]).toBe(1);
    expect(count["mid-sleep:finish"]).toBe(1);
  });
});

describe("restart after the process died", () => {
  it("takes over at once the leases of a dead process on this machine", async () => {
    const current = running[running.length - 1]!;
    await client.send({ name: "life/durable", data: { id: "dead-pid", slowMs: 500 } });
    await waitFor(async () => count["dead-pid:slow"] === 1, 5000, "the slow step to start");
    await current.stop({ abandon: true });
    // Make the abandoned lease look like another process's that died, with an hour to run.
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
    const q = tables.jobQueue;
    // By token, not by lease time: under load the 600 ms lease may already have run out here,
    // and nothing else is running to take it.
    const leased = await db.select().from(q).where(isNotNull(q.leaseToken));
    expect(leased).toHaveLength(1);
    const [host] = leased[0]!.leaseToken!.split("|");
    await db
      .update(q)
      .set({ leaseUntil: new Date(Date.now() + 3_600_000), leaseToken: `${host}|${deadPid}|x` })
      .where(eq(q.id, leased[0]!.id));

    const restartedAt = Date.now();
    await start({ leaseMs: 3_600_000 });
    const runs = await waitForRuns("life-durable", 3, 10_000);
    expect(runs.every((r) => r.status === "completed")).toBe(true);
    expect(Date.now() - restartedAt).toBeLessThan(5000); // not the hour
    expect(count["dead-pid:fetch"]).toBe(1);
    expect(count["dead-pid:finish"]).toBe(1);
  });
});

describe("global cap", () => {
  it("runs no more calls at once than the executor's concurrency", async () => {
    for (const e of running.splice(0)) await e.stop();
    const active = { now: 0, max: 0 };
    const capped = client.createFunction({ id: "capped", triggers: [{ event: "life/capped" }] }, async ({ step }) => {
      await step.run("work", async () => {
        active.max = Math.max(active.max, ++active.now);
        await sleep(100);
        active.now--;
      });
    });
    await start({ concurrency: 1 }, [durable, capped]);
    await client.send([1, 2, 3].map(() => ({ name: "life/capped", data: {} })));
    const runs = await waitForRuns("life-capped", 3);
    expect(runs.every((r) => r.status === "completed")).toBe(true);
    expect(active.max).toBe(1);
  });
});

describe("refusals", () => {
  it("refuses at start-up what it cannot run, naming each problem", async () => {
    const { client: c, signingKey } = testClient("refuse");
    const functions = [
      c.createFunction({ id: "nightly", triggers: [{ cron: "0 3 * * *" }] }, async () => null),
      c.createFunction({ id: "debounced", debounce: { period: "5s" }, triggers: [{ event: "r/a" }] }, async () => null),
      c.createFunction(
        { id: "fancy-cancel", triggers: [{ event: "r/b" }], cancelOn: [{ event: "r/c", if: "event.data.n > async.data.n" }] },
        async () => null,
      ),
      c.createFunction({ id: "fancy-trigger", triggers: [{ event: "r/d", if: "event.data.n > 3 || event.data.x" }] }, async () => null),
    ];
    const executor = new Executor({ client: c, functions, signingKey, concurrency: 1, logger: silentLogger });
    const err = await executor.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnsupportedFunctionsError);
    const message = (err as Error).message;
    expect(message).toContain("refuse-nightly: cron triggers");
    expect(message).toContain("refuse-debounced: debounce");
    expect(message).toContain("refuse-fancy-cancel: cancelOn");
    expect(message).toContain("refuse-fancy-trigger: trigger");
  });

  it("the app's /api/inngest refuses unsigned calls and accepts the executor's signature", async () => {
    const { GET, POST, PUT } = await import("@/app/api/inngest/route");
    const url = "http://localhost:3000/api/inngest";
    const body = canonicalJson({ version: 2, event: { name: "x", data: {} }, events: [], steps: {}, ctx: { run_id: "r", attempt: 0, stack: { stack: [], current: 0 } } });
    const post = (headers: Record<string, string>) =>
      POST(new Request(`${url}?fnId=podcastpro-nothing&stepId=step`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body }) as never, undefined);

    expect((await post({})).status).toBe(401);
    expect((await post({ "x-inngest-signature": signBody(body, "signkey-prod-0123456789abcdef") })).status).toBe(401);
    // Signed with this process's key it gets through to the function lookup.
    const signed = await post({ "x-inngest-signature": signBody(body, embeddedSigningKey()) });
    expect(signed.status).toBe(500);
    expect(await signed.text()).toContain("podcastpro-nothing");

    const sync = await PUT(
      new Request(url, { method: "PUT", headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band" }, body: canonicalJson({ url }) }) as never,
      undefined,
    );
    expect(sync.status).toBe(401);
    const introspect = await (await GET(new Request(url) as never, undefined)).text();
    expect(introspect).not.toContain("signing_key_hash");
  });

  it("a serve handler built like the executor's refuses unsigned in-band syncs", async () => {
    const handler = serve({ client, functions: [durable], enableUnauthedSync: false });
    const res = await (handler.PUT as unknown as (r: Request) => Promise<Response>)(
      new Request("http://x/api/inngest", { method: "PUT", headers: { "x-inngest-sync-kind": "in_band" }, body: "{}" }),
    );
    expect(res.status).toBe(401);
  });
});
