import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUser } from "@/tests/factories";
import type { Executor } from "@/lib/jobs/executor";
import { startExecutor, testClient, waitFor, waitForRuns, runsOf } from "@/lib/jobs/test-kit";
import { cancelRun, getRun, listRuns, retryRun } from "./runs";

const setup = testClient("runs");
const { client } = setup;
let greets = 0;
let shaky = 0;

const greet = client.createFunction({ id: "greet", retries: 1, triggers: [{ event: "runs/greet" }] }, async ({ event, step }) => {
  const hello = await step.run("say hello", () => {
    if (greets++ === 0) throw new Error("not yet");
    return `hello ${event.data.name}`;
  });
  return hello;
});
const sleepy = client.createFunction({ id: "sleepy", triggers: [{ event: "runs/sleepy" }] }, async ({ step }) => {
  await step.sleep("wait", "10s");
});
const fragile = client.createFunction({ id: "fragile", retries: 0, triggers: [{ event: "runs/fragile" }] }, async () => {
  if (shaky++ === 0) throw new Error("first run fails");
  return "second run works";
});

let executor: Executor;
beforeAll(async () => {
  executor = await startExecutor(setup, [greet, sleepy, fragile]);
});
afterAll(async () => {
  await executor?.stop();
});

describe("runs data layer", () => {
  it("lists only the viewer's runs, newest first, a page at a time", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    await client.send({ name: "runs/greet", data: { userId: alice.id, name: "a1" } });
    await waitForRuns("runs-greet", 1);
    await client.send({ name: "runs/greet", data: { userId: alice.id, name: "a2" } });
    await client.send({ name: "runs/greet", data: { userId: bob.id, name: "b" } });
    await waitForRuns("runs-greet", 3);

    const first = await listRuns(alice.viewer, { limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await listRuns(alice.viewer, { limit: 1, cursor: first.nextCursor! });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items];
    expect(all[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(all[1]!.createdAt.getTime());
    expect(all.every((r) => r.functionId === "runs-greet" && r.eventName === "runs/greet" && r.status === "completed")).toBe(true);
    expect((await listRuns(bob.viewer, { limit: 10 })).items).toHaveLength(1);
  });

  it("shows a run's steps with attempts, timings and errors, to its owner only", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    await client.send({ name: "runs/greet", data: { userId: owner.id, name: "x" } });
    const run = await waitFor(async () => (await listRuns(owner.viewer, { limit: 1 })).items.find((r) => r.status === "completed"));
    const detail = await getRun(owner.viewer, run.id);
    expect(detail.output).toBe("hello x");
    expect(detail.eventData).toMatchObject({ name: "x" });
    expect(detail.steps).toHaveLength(1);
    const [step] = detail.steps;
    expect(step).toMatchObject({ name: "say hello", kind: "run", status: "completed", error: null });
    expect(step!.startedAt).toBeInstanceOf(Date);
    expect(step!.endedAt).toBeInstanceOf(Date);
    expect(step!.attempts.length).toBeGreaterThanOrEqual(1);
    expect(step!.attempts.every((a) => a.durationMs >= 0)).toBe(true);

    await expect(getRun(other.viewer, run.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(getRun(owner.viewer, "not-a-uuid")).rejects.toMatchObject({ code: "not_found" });
  });

  it("records a failed attempt with its error", async () => {
    const owner = await makeUser();
    greets = 0;
    await client.send({ name: "runs/greet", data: { userId: owner.id, name: "retry" } });
    const run = await waitFor(async () => (await listRuns(owner.viewer, { limit: 1 })).items.find((r) => r.status === "completed"));
    const [step] = (await getRun(owner.viewer, run.id)).steps;
    expect(step!.attempts.map((a) => a.outcome)).toEqual(["error", "ok"]);
    expect(step!.attempts[0]!.error).toEqual({ name: "Error", message: "not yet" });
  });

  it("cancels the owner's active run; others get not_found, ended runs a conflict", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    await client.send({ name: "runs/sleepy", data: { userId: owner.id } });
    const run = await waitFor(async () => {
      const [r] = (await listRuns(owner.viewer, { limit: 1 })).items;
      return r && (await getRun(owner.viewer, r.id)).steps[0]?.status === "sleeping" && r;
    });
    await expect(cancelRun(other.viewer, run.id)).rejects.toMatchObject({ code: "not_found" });
    const cancelled = await cancelRun(owner.viewer, run.id);
    expect(cancelled.status).toBe("cancelled");
    expect((await getRun(owner.viewer, run.id)).steps[0]).toMatchObject({ kind: "sleep", status: "cancelled" });
    await expect(cancelRun(owner.viewer, run.id)).rejects.toMatchObject({ code: "conflict" });
  });

  it("retries an ended run as a new run of the same function and event", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    await client.send({ name: "runs/fragile", data: { userId: owner.id } });
    const [failed] = await waitForRuns("runs-fragile", 1);
    expect(failed!.status).toBe("failed");
    await expect(retryRun(other.viewer, failed!.id)).rejects.toMatchObject({ code: "not_found" });
    const again = await retryRun(owner.viewer, failed!.id);
    expect(again.id).not.toBe(failed!.id);
    expect(again.status).toBe("queued");
    const runs = await waitForRuns("runs-fragile", 2);
    expect(runs.find((r) => r.id === again.id)!.output).toBe("second run works");
    expect((await runsOf("runs-fragile")).every((r) => r.eventId === failed!.eventId)).toBe(true);
  });

  it("refuses to retry a run that is still going", async () => {
    const owner = await makeUser();
    await client.send({ name: "runs/sleepy", data: { userId: owner.id } });
    const run = await waitFor(async () => {
      const [r] = (await listRuns(owner.viewer, { limit: 1 })).items;
      return r && (await getRun(owner.viewer, r.id)).steps[0]?.status === "sleeping" && r;
    });
    await expect(retryRun(owner.viewer, run.id)).rejects.toMatchObject({ code: "conflict" });
    await cancelRun(owner.viewer, run.id);
  });
});
