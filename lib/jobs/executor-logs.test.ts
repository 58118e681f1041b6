import { afterEach, describe, expect, it } from "vitest";
import { captureLogs } from "@/lib/log";
import { Executor } from "./executor";
import { testClient, waitForRuns } from "./test-kit";

/** The executor's default logger writes structured lines, each about a run carrying its runId. */
const setup = testClient("logs");
const fn = setup.client.createFunction({ id: "two-steps", triggers: [{ event: "logs/go" }] }, async ({ step }) => {
  const a = await step.run("first", () => 1);
  return step.run("second", () => a + 1);
});

let executor: Executor | undefined;
let capture: ReturnType<typeof captureLogs> | undefined;
afterEach(async () => {
  await executor?.stop();
  capture?.restore();
});

describe("executor logs", () => {
  it("logs every call of a run as JSON with runId, function, step, attempt, status and ms", async () => {
    capture = captureLogs();
    // No logger option: the app's default (lib/log.ts).
    executor = new Executor({ client: setup.client, functions: [fn], signingKey: setup.signingKey, concurrency: 2, pollMs: 100 });
    await executor.start();
    await setup.client.send({ name: "logs/go", data: {} });
    const [run] = await waitForRuns("logs-two-steps");
    expect(run!.status).toBe("completed");
    const calls = capture.records().filter((r) => r.msg === "job call");
    expect(calls.length).toBeGreaterThanOrEqual(3); // discover, the steps, completion
    for (const c of calls) {
      expect(c).toMatchObject({ component: "jobs", runId: run!.id, functionId: "logs-two-steps", attempt: 0 });
      expect(typeof c.ms).toBe("number");
    }
    expect(calls.at(-1)).toMatchObject({ status: 200 });
    expect(executor.health()).toMatchObject({ state: "running", concurrency: 2 });
    expect(Date.now() - executor.health().lastTickAt!.getTime()).toBeLessThan(5000);
  });
});
