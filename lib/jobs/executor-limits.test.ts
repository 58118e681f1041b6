import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Executor } from "./executor";
import { INNGEST_LIMITS } from "./limits";
import { attemptsOf, startExecutor, stepNamed, testClient, waitForRuns } from "./test-kit";

/**
 * The executor refuses what an Inngest server refuses, so a function that runs here also runs
 * on Inngest Cloud: a step result over 4 MB (Inngest's own limit, tested as is), more steps
 * than the run may take and a run state over its limit (both lowered here to keep it fast).
 */
const setup = testClient("limits");
const { client } = setup;
const limits = { maxSteps: 5, maxStateBytes: 64 * 1024 };
const ran: Record<string, number> = {};
const bump = (key: string) => (ran[key] = (ran[key] ?? 0) + 1);

const huge = client.createFunction({ id: "huge", retries: 2, triggers: [{ event: "limits/huge" }] }, async ({ step }) => {
  await step.run("return the whole recording", () => {
    bump("huge");
    return "x".repeat(INNGEST_LIMITS.maxStepOutputBytes); // plus its quotes: just over 4 MB
  });
  await step.run("never reached", () => bump("huge:after"));
});

const many = client.createFunction({ id: "many", triggers: [{ event: "limits/many" }] }, async ({ event, step }) => {
  for (let i = 1; i <= Number(event.data.steps); i++) await step.run(`item ${i}`, () => bump(`many:${event.data.steps}:${i}`));
  return "all done";
});

const hoarder = client.createFunction({ id: "hoarder", triggers: [{ event: "limits/hoarder" }] }, async ({ event, step }) => {
  for (let i = 1; i <= Number(event.data.chunks); i++) await step.run(`chunk ${i}`, () => "y".repeat(20 * 1024));
  return "kept it all";
});

let executor: Executor;
beforeAll(async () => {
  executor = await startExecutor(setup, [huge, many, hoarder], { limits });
});
afterAll(async () => {
  await executor?.stop();
});

describe("Inngest's limits", () => {
  it("fails a step whose result is over 4 MB for good, saying so, and the run with it", async () => {
    await client.send({ name: "limits/huge", data: {} });
    const [run] = await waitForRuns("limits-huge", 1, 20_000);
    expect(run!.status).toBe("failed");
    expect(run!.error).toMatchObject({ message: expect.stringContaining('The step "return the whole recording" returned 4,194,306 bytes, more than the 4 MB a step result may hold') });
    expect(ran.huge).toBe(1); // not retried: it would return as much again
    expect(ran["huge:after"]).toBeUndefined();
    const step = await stepNamed(run!.id, "return the whole recording");
    expect(step!.status).toBe("failed");
    expect((await attemptsOf(run!.id, step!.hashedId)).map((a) => a.outcome)).toEqual(["failed"]);
  });

  it("runs up to the step limit, and fails a run that needs one step more", async () => {
    await client.send({ name: "limits/many", data: { steps: limits.maxSteps } });
    const [within] = await waitForRuns("limits-many", 1);
    expect(within!.status).toBe("completed");
    expect(within!.output).toBe("all done");

    await client.send({ name: "limits/many", data: { steps: limits.maxSteps + 1 } });
    const [, over] = await waitForRuns("limits-many", 2);
    expect(over!.status).toBe("failed");
    expect(over!.error).toMatchObject({ message: `The function run exceeded the step limit of ${limits.maxSteps} steps. Fan big work out as one event per item.` });
    expect(over!.stepCount).toBe(limits.maxSteps);
  });

  it("fails a run whose state grows past the limit", async () => {
    await client.send({ name: "limits/hoarder", data: { chunks: 2 } });
    const [small] = await waitForRuns("limits-hoarder", 1);
    expect(small!.status).toBe("completed");

    await client.send({ name: "limits/hoarder", data: { chunks: 4 } });
    const [, big] = await waitForRuns("limits-hoarder", 2);
    expect(big!.status).toBe("failed");
    expect(big!.error).toMatchObject({ message: expect.stringMatching(/^The function run's state \(.*\) reached 80(\.\d)? KB, more than the 64 KB a run may hold/) });
    expect((await stepNamed(big!.id, "chunk 3"))!.status).toBe("completed");
    expect(await stepNamed(big!.id, "chunk 4")).toBeUndefined();
  });
});
