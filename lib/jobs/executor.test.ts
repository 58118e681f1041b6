import { NonRetriableError, RetryAfterError } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelRunTx } from "./run-state";
import { eq } from "drizzle-orm";
import { db, tables } from "@/db";
import { transaction } from "@/db/tx";
import type { Executor } from "./executor";
import { attemptsOf, refuseToStoreStep, runsOf, sleep, startExecutor, stepNamed, stepsOf, testClient, waitFor, waitForRuns } from "./test-kit";

/**
 * The executor conformance suite: small sample functions, one per semantic, run through the
 * embedded executor and the real SDK serve handler. Runs on SQLite and on PostgreSQL. If an
 * `inngest` upgrade changes the call protocol, this is what fails.
 */
const setup = testClient("conf");
const { client } = setup;
const count: Record<string, number> = {};
const bump = (key: string) => (count[key] = (count[key] ?? 0) + 1);

const sequential = client.createFunction({ id: "sequential", triggers: [{ event: "conf/sequential" }] }, async ({ event, step }) => {
  const a = await step.run("load the upload", () => {
    bump("seq:a");
    return { n: Number(event.data.n) };
  });
  const b = await step.run("double it", () => {
    bump("seq:b");
    return a.n * 2;
  });
  return { a, b };
});

const active = { now: 0, max: 0 };
const parallel = client.createFunction({ id: "parallel", triggers: [{ event: "conf/parallel" }] }, async ({ step }) => {
  const slow = (name: string, ms: number, value: string) =>
    step.run(name, async () => {
      bump(`par:${name}`);
      active.now++;
      active.max = Math.max(active.max, active.now);
      await sleep(ms);
      active.now--;
      return value;
    });
  const all = await Promise.all([slow("transcribe", 250, "text"), slow("waveform", 150, "wave"), slow("chapters", 50, "ch")]);
  const after = await step.run("after the fan-in", () => {
    bump("par:after");
    return all.join("+");
  });
  return { all, after };
});

const flaky = client.createFunction({ id: "flaky", retries: 3, triggers: [{ event: "conf/flaky" }] }, async ({ step }) => {
  return step.run("normalize loudness", () => {
    if (bump("flaky") < 3) throw new Error(`transient failure ${count.flaky}`);
    return "ok";
  });
});

const failures: unknown[] = [];
const exhausted = client.createFunction(
  {
    id: "exhausted",
    retries: 2,
    triggers: [{ event: "conf/exhausted" }],
    onFailure: async ({ event, error, step }) => {
      await step.run("record the failure", () => {
        failures.push({ message: error.message, original: event.data.event.data });
      });
      return "handled";
    },
  },
  async ({ step }) => {
    await step.run("always fails", () => {
      bump("exhausted");
      throw new Error("disk full");
    });
  },
);

const retryAfter = client.createFunction({ id: "retry-after", retries: 2, triggers: [{ event: "conf/retry-after" }] }, async ({ step }) => {
  return step.run("rate limited", () => {
    if (bump("retry-after") === 1) throw new RetryAfterError("slow down", 1000);
    return "done";
  });
});

const nonRetriable = client.createFunction({ id: "non-retriable", retries: 3, triggers: [{ event: "conf/non-retriable" }] }, async ({ step }) => {
  await step.run("validate", () => {
    bump("non-retriable");
    throw new NonRetriableError("the file is not audio");
  });
});

const outside = client.createFunction({ id: "outside", retries: 2, triggers: [{ event: "conf/outside" }] }, async ({ event, step }) => {
  const v = await step.run("before", () => {
    bump("outside:before");
    return 1;
  });
  if (bump("outside:body") < 3 || event.data.always) throw new Error("boom outside a step");
  return v;
});

const sleeper = client.createFunction({ id: "sleeper", triggers: [{ event: "conf/sleeper" }] }, async ({ event, step }) => {
  await step.run("before sleeping", () => bump("sleep:before"));
  await step.sleep("short nap", "1s");
  const woke = await step.run("after the nap", () => Date.now());
  await step.sleepUntil("until the publish time", new Date(Number(event.data.until)));
  const published = await step.run("publish", () => Date.now());
  return { woke, published };
});

const child = client.createFunction({ id: "child", triggers: [{ event: "conf/child" }] }, async ({ event, step }) => {
  const doubled = await step.run("transcode", () => Number(event.data.n) * 2);
  if (event.data.fail) throw new NonRetriableError("child refused");
  return { doubled };
});

const parent = client.createFunction({ id: "parent", triggers: [{ event: "conf/parent" }] }, async ({ event, step }) => {
  try {
    const result = await step.invoke("invoke the child", { function: child, data: { n: event.data.n, fail: event.data.fail } });
    return { ok: result };
  } catch (err) {
    return { caught: (err as Error).message };
  }
});

const slowChild = client.createFunction({ id: "slow-child", triggers: [{ event: "conf/slow-child" }] }, async ({ step }) => {
  await step.sleep("take a while", "2s");
  return "late";
});

const impatient = client.createFunction({ id: "impatient", triggers: [{ event: "conf/impatient" }] }, async ({ step }) => {
  try {
    return await step.invoke("invoke with a timeout", { function: slowChild, data: {}, timeout: "1s" });
  } catch (err) {
    return { caught: (err as Error).message };
  }
});

const cancellable = client.createFunction(
  {
    id: "cancellable",
    triggers: [{ event: "conf/cancellable" }],
    cancelOn: [{ event: "conf/cancel", if: "event.data.episodeId == async.data.episodeId" }],
  },
  async ({ event, step }) => {
    await step.run("start", () => bump(`cancel:start:${event.data.episodeId}`));
    await step.sleep("wait a moment", "1s");
    await step.run("finish", () => bump(`cancel:finish:${event.data.episodeId}`));
    return "finished";
  },
);

const perShow = { active: {} as Record<string, number>, max: {} as Record<string, number>, all: 0, maxAll: 0 };
const limited = client.createFunction(
  { id: "limited", concurrency: { limit: 1, key: "event.data.showId" }, triggers: [{ event: "conf/limited" }] },
  async ({ event, step }) => {
    const show = String(event.data.showId);
    for (const name of ["first", "second"]) {
      await step.run(name, async () => {
        perShow.active[show] = (perShow.active[show] ?? 0) + 1;
        perShow.max[show] = Math.max(perShow.max[show] ?? 0, perShow.active[show]!);
        perShow.all++;
        perShow.maxAll = Math.max(perShow.maxAll, perShow.all);
        await sleep(150);
        perShow.active[show]!--;
        perShow.all--;
      });
    }
  },
);

const sender = client.createFunction({ id: "sender", triggers: [{ event: "conf/sender" }] }, async ({ event, step }) => {
  await step.sendEvent("announce", { name: "conf/announced", data: { tag: event.data.tag } });
});
const receiver = client.createFunction({ id: "receiver", triggers: [{ event: "conf/announced" }] }, async ({ event }) => {
  return { got: event.data.tag };
});

const waiter = client.createFunction({ id: "waiter", triggers: [{ event: "conf/waiter" }] }, async ({ step }) => {
  await step.waitForEvent("wait for approval", { event: "conf/approved", timeout: "1m" });
});

const conditional = client.createFunction(
  { id: "conditional", triggers: [{ event: "conf/conditional", if: "event.data.kind == 'audio'" }] },
  async () => "matched",
);

const storageFailures: string[] = [];
const unsaveable = client.createFunction(
  {
    id: "unsaveable",
    retries: 2,
    triggers: [{ event: "conf/unsaveable" }],
    onFailure: async ({ error, step }) => {
      await step.run("record why", () => storageFailures.push(error.message));
    },
  },
  async ({ step }) => {
    await step.run("save the draft", () => {
      bump("unsaveable");
      return "draft";
    });
  },
);

const sleepyChild = client.createFunction({ id: "sleepy-child", triggers: [{ event: "conf/sleepy-child" }] }, async ({ step }) => {
  await step.sleep("sleep long", "30s");
});
const stuckParent = client.createFunction({ id: "stuck-parent", retries: 2, triggers: [{ event: "conf/stuck-parent" }] }, async ({ step }) => {
  await step.invoke("invoke the sleepy child", { function: sleepyChild, data: {}, timeout: "1s" });
});

const functions = [unsaveable, sleepyChild, stuckParent, sequential, parallel, flaky, exhausted, retryAfter, nonRetriable, outside, sleeper, child, parent, slowChild, impatient, cancellable, limited, sender, receiver, waiter, conditional];

let executor: Executor;
beforeAll(async () => {
  executor = await startExecutor(setup, functions, { concurrency: 4 });
});
afterAll(async () => {
  await executor?.stop();
});

describe("embedded executor conformance", () => {
  it("runs steps in order, each once, and stores results in completion order", async () => {
    await client.send({ name: "conf/sequential", data: { n: 21 } });
    const [run] = await waitForRuns("conf-sequential");
    expect(run!.status).toBe("completed");
    expect(run!.output).toEqual({ a: { n: 21 }, b: 42 });
    const steps = await stepsOf(run!.id);
    expect(steps.map((s) => [s.name, s.seq, s.status])).toEqual([
      ["load the upload", 1, "completed"],
      ["double it", 2, "completed"],
    ]);
    expect(count["seq:a"]).toBe(1);
    expect(count["seq:b"]).toBe(1);
  });

  it("runs Promise.all steps in parallel, each once, then continues", async () => {
    await client.send({ name: "conf/parallel", data: {} });
    const [run] = await waitForRuns("conf-parallel");
    expect(run!.status).toBe("completed");
    expect(run!.output).toEqual({ all: ["text", "wave", "ch"], after: "text+wave+ch" });
    expect(run!.disableImmediate).toBe(true);
    for (const name of ["transcribe", "waveform", "chapters", "after"]) expect(count[`par:${name}`]).toBe(1);
    expect(active.max).toBeGreaterThan(1);
    // Completion order: the stack lists the parallel steps as their calls ended (which of
    // them ends first is up to the machine's load, not to their nominal lengths), then the fan-in.
    const steps = (await stepsOf(run!.id)).sort((a, b) => a.seq! - b.seq!);
    const ended = (await attemptsOf(run!.id))
      .filter((a) => a.stepHashedId !== null)
      .sort((a, b) => a.endedAt.getTime() - b.endedAt.getTime())
      .map((a) => steps.find((s) => s.hashedId === a.stepHashedId)!.name);
    expect(steps.map((s) => s.name)).toEqual(ended);
    expect(steps.map((s) => s.name).slice(0, 3).sort()).toEqual(["chapters", "transcribe", "waveform"]);
    expect(steps[3]!.name).toBe("after the fan-in");
  });

  it("retries a failing step with exponential backoff until it succeeds", async () => {
    await client.send({ name: "conf/flaky", data: {} });
    const [run] = await waitForRuns("conf-flaky");
    expect(run!.status).toBe("completed");
    expect(run!.output).toBe("ok");
    const step = await stepNamed(run!.id, "normalize loudness");
    const attempts = await attemptsOf(run!.id, step!.hashedId);
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [0, "error"],
      [1, "error"],
      [2, "ok"],
    ]);
    expect(attempts[0]!.error).toMatchObject({ message: "transient failure 1" });
    // base 100 ms: about 100 ms, then about 200 ms (±25% jitter).
    const gap1 = attempts[1]!.startedAt.getTime() - attempts[0]!.endedAt.getTime();
    const gap2 = attempts[2]!.startedAt.getTime() - attempts[1]!.endedAt.getTime();
    expect(gap1).toBeGreaterThanOrEqual(70);
    expect(gap2).toBeGreaterThanOrEqual(145);
    expect(step!.attempts).toBe(3);
  });

  it("fails the run when retries are exhausted, then runs onFailure with the error and event", async () => {
    await client.send({ name: "conf/exhausted", data: { episodeId: "ep-1" } });
    const [run] = await waitForRuns("conf-exhausted");
    expect(run!.status).toBe("failed");
    expect(run!.error).toMatchObject({ message: "disk full" });
    expect(count.exhausted).toBe(3); // retries: 2
    const step = await stepNamed(run!.id, "always fails");
    expect(step!.status).toBe("failed");
    expect((await attemptsOf(run!.id, step!.hashedId)).map((a) => a.outcome)).toEqual(["error", "error", "failed"]);
    const [failure] = await waitForRuns("conf-exhausted-failure");
    expect(failure!.status).toBe("completed");
    expect(failure!.output).toBe("handled");
    expect(failures).toEqual([{ message: "disk full", original: { episodeId: "ep-1" } }]);
  });

  it("fails the run, as the server's fault, when the database keeps refusing a step's result", async () => {
    const allowAgain = await refuseToStoreStep("save the draft");
    try {
      await client.send({ name: "conf/unsaveable", data: {} });
      // Before the fix the step re-ran every second or two for ever: this deadline catches it.
      const [run] = await waitForRuns("conf-unsaveable", 1, 15_000);
      expect(run!.status).toBe("failed");
      expect(run!.error).toMatchObject({
        name: "ExecutorStorageError",
        message: "The job could not save its progress (database error) after 3 attempts",
      });
      expect(count.unsaveable).toBe(3); // retries: 2, and no more
      expect((await attemptsOf(run!.id)).map((a) => [a.attempt, a.outcome])).toEqual([
        [0, "error"],
        [1, "error"],
        [2, "error"],
      ]);
      const [failure] = await waitForRuns("conf-unsaveable-failure");
      expect(failure!.status).toBe("completed");
      expect(storageFailures).toEqual(["The job could not save its progress (database error) after 3 attempts"]);
    } finally {
      await allowAgain();
    }
  });

  it("fails the run when the database keeps refusing an invoke's timeout", async () => {
    const allowAgain = await refuseToStoreStep("invoke the sleepy child", "failed");
    try {
      await client.send({ name: "conf/stuck-parent", data: {} });
      const [run] = await waitForRuns("conf-stuck-parent", 1, 15_000);
      expect(run!.status).toBe("failed");
      expect(run!.error).toMatchObject({ message: "The job could not save its progress (database error) after 3 attempts" });
      expect((await stepNamed(run!.id, "invoke the sleepy child"))!.status).toBe("cancelled");
    } finally {
      await allowAgain();
    }
  });

  it("waits as long as a RetryAfterError asks before retrying", async () => {
    await client.send({ name: "conf/retry-after", data: {} });
    const [run] = await waitForRuns("conf-retry-after");
    expect(run!.status).toBe("completed");
    const attempts = await attemptsOf(run!.id);
    expect(attempts).toHaveLength(2);
    const gap = attempts[1]!.startedAt.getTime() - attempts[0]!.endedAt.getTime();
    expect(gap).toBeGreaterThanOrEqual(900); // 1 s asked; the backoff alone would be ~100 ms
  });

  it("does not retry a NonRetriableError", async () => {
    await client.send({ name: "conf/non-retriable", data: {} });
    const [run] = await waitForRuns("conf-non-retriable");
    expect(run!.status).toBe("failed");
    expect(run!.error).toMatchObject({ message: "the file is not audio" });
    expect(count["non-retriable"]).toBe(1);
    const step = await stepNamed(run!.id, "validate");
    expect((await attemptsOf(run!.id, step!.hashedId)).map((a) => a.outcome)).toEqual(["failed"]);
  });

  it("retries errors thrown outside steps without re-running finished steps", async () => {
    await client.send({ name: "conf/outside", data: {} });
    const [run] = await waitForRuns("conf-outside");
    expect(run!.status).toBe("completed");
    expect(run!.output).toBe(1);
    expect(count["outside:before"]).toBe(1);
    const fnLevel = await attemptsOf(run!.id, null);
    expect(fnLevel.map((a) => [a.attempt, a.outcome])).toEqual([
      [0, "error"],
      [1, "error"],
    ]);
    expect(fnLevel[0]!.error).toMatchObject({ message: "boom outside a step" });
  });

  it("fails the run when errors outside steps exhaust the retries", async () => {
    count["outside:body"] = 0;
    await client.send({ name: "conf/outside", data: { always: true } });
    const runs = await waitForRuns("conf-outside", 2);
    const run = runs[1]!;
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ message: "boom outside a step" });
    expect((await attemptsOf(run.id, null)).map((a) => a.outcome)).toEqual(["error", "error", "failed"]);
  });

  it("sleeps for a duration and until a time, keeping the wake-up time", async () => {
    const start = Date.now();
    const until = start + 1600;
    await client.send({ name: "conf/sleeper", data: { until } });
    const [run] = await waitForRuns("conf-sleeper");
    expect(run!.status).toBe("completed");
    const { woke, published } = run!.output as { woke: number; published: number };
    expect(woke - start).toBeGreaterThanOrEqual(1000);
    expect(published).toBeGreaterThanOrEqual(until);
    const nap = await stepNamed(run!.id, "short nap");
    expect(nap!.op).toBe("Sleep");
    expect(nap!.wakeAt!.getTime() - nap!.startedAt!.getTime()).toBeGreaterThanOrEqual(990);
    const untilStep = await stepNamed(run!.id, "until the publish time");
    expect(untilStep!.wakeAt!.getTime()).toBe(until);
    expect(count["sleep:before"]).toBe(1);
  });

  it("invokes another function and gets its result, or its error", async () => {
    await client.send({ name: "conf/parent", data: { n: 21 } });
    await client.send({ name: "conf/parent", data: { n: 1, fail: true } });
    const runs = await waitForRuns("conf-parent", 2);
    const outputs = runs.map((r) => r.output);
    expect(outputs).toContainEqual({ ok: { doubled: 42 } });
    expect(outputs).toContainEqual({ caught: "child refused" });
    const children = await runsOf("conf-child");
    expect(children).toHaveLength(2);
    expect(children.every((c) => runs.some((r) => r.id === c.parentRunId))).toBe(true);
    const invoked = await stepNamed(runs[0]!.id, "invoke the child");
    expect(invoked!.op).toBe("InvokeFunction");
    expect(invoked!.childRunId).toBeTruthy();
  });

  it("fails step.invoke when the child does not finish within its timeout", async () => {
    await client.send({ name: "conf/impatient", data: {} });
    const [run] = await waitForRuns("conf-impatient");
    expect(run!.output).toEqual({ caught: expect.stringContaining("Timed out") });
    const [late] = await waitForRuns("conf-slow-child");
    expect(late!.output).toBe("late"); // the child itself still finishes
  });

  it("cancels runs matching a cancelOn rule, and only those", async () => {
    await client.send([
      { name: "conf/cancellable", data: { episodeId: "keep" } },
      { name: "conf/cancellable", data: { episodeId: "drop" } },
    ]);
    await waitFor(async () => count["cancel:start:drop"] && count["cancel:start:keep"], 5000, "both runs to start");
    await client.send({ name: "conf/cancel", data: { episodeId: "drop" } });
    const runs = await waitForRuns("conf-cancellable", 2);
    expect(runs.map((r) => r.status).sort()).toEqual(["cancelled", "completed"]);
    expect(count["cancel:finish:keep"]).toBe(1);
    expect(count["cancel:finish:drop"]).toBeUndefined();
    const cancelled = runs.find((r) => r.status === "cancelled")!;
    expect(cancelled.error).toMatchObject({ message: 'Cancelled by the event "conf/cancel"' });
  });

  it("cancels a run explicitly (a sleeping one never wakes)", async () => {
    await client.send({ name: "conf/cancellable", data: { episodeId: "explicit" } });
    const run = await waitFor(async () => {
      const runs = await runsOf("conf-cancellable");
      const r = runs[2];
      return r && (await stepNamed(r.id, "wait a moment"))?.status === "sleeping" && r;
    });
    expect(await transaction((tx) => cancelRunTx(tx, run.id, "Cancelled by its owner"))).toBe(true);
    // The wake-up is gone from the queue; once its time has passed and the executor has nothing
    // left to do, the run has had every chance to wake.
    expect(await db.select().from(tables.jobQueue).where(eq(tables.jobQueue.runId, run.id))).toEqual([]);
    const nap = await stepNamed(run.id, "wait a moment");
    await waitFor(async () => Date.now() > nap!.wakeAt!.getTime(), 5000, "the nap's wake-up time");
    await executor.idle();
    const [after] = (await runsOf("conf-cancellable")).filter((r) => r.id === run.id);
    expect(after!.status).toBe("cancelled");
    expect((await stepNamed(run.id, "wait a moment"))!.status).toBe("cancelled");
    expect(count["cancel:finish:explicit"]).toBeUndefined();
  });

  it("limits concurrency per key, while other keys run alongside", async () => {
    await client.send([
      { name: "conf/limited", data: { showId: "a" } },
      { name: "conf/limited", data: { showId: "a" } },
      { name: "conf/limited", data: { showId: "b" } },
    ]);
    const runs = await waitForRuns("conf-limited", 3);
    expect(runs.every((r) => r.status === "completed")).toBe(true);
    expect(perShow.max.a).toBe(1);
    expect(perShow.maxAll).toBeGreaterThanOrEqual(2);
  });

  it("delivers events sent with step.sendEvent", async () => {
    await client.send({ name: "conf/sender", data: { tag: "hello" } });
    const [run] = await waitForRuns("conf-receiver");
    expect(run!.output).toEqual({ got: "hello" });
  });

  it("starts only the functions whose trigger condition matches", async () => {
    await client.send([
      { name: "conf/conditional", data: { kind: "image" } },
      { name: "conf/conditional", data: { kind: "audio" } },
    ]);
    const runs = await waitForRuns("conf-conditional", 1);
    await executor.idle();
    // Both events were looked at, and only one started a run.
    const events = await db.select().from(tables.jobEvents).where(eq(tables.jobEvents.name, "conf/conditional"));
    expect(events.map((e) => e.routedAt !== null)).toEqual([true, true]);
    expect(await runsOf("conf-conditional")).toHaveLength(1);
    expect(runs[0]!.output).toBe("matched");
  });

  it("fails a run that uses an unsupported step loudly", async () => {
    await client.send({ name: "conf/waiter", data: {} });
    const [run] = await waitForRuns("conf-waiter");
    expect(run!.status).toBe("failed");
    expect(run!.error).toMatchObject({ message: expect.stringContaining("step.waitForEvent") });
  });
});
