import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Executor overhead per step: one function of 100 trivial steps run through the embedded
 * executor (event → run → 100 signed in-process calls → completion, state in SQLite), against
 * the same step bodies called directly, in the same process.
 */
const STEPS = 100;
const ROUNDS = 3;

export async function benchExecutorOverhead() {
  // A throwaway SQLite database, never the app's own.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-bench-"));
  process.env.DATA_DIR = dir;
  delete process.env.DATABASE_URL;
  const { resetEnvForTests } = await import("@/lib/env");
  resetEnvForTests();
  const { migrateDatabase } = await import("@/db/migrate");
  const { closeConnection, db, tables } = await import("@/db");
  const { eq } = await import("drizzle-orm");
  const { startExecutor, testClient } = await import("@/lib/jobs/test-kit");
  await migrateDatabase();

  const body = (i: number) => ({ i, square: i * i });
  type Run = <T>(id: string, fn: () => T) => Promise<T>;
  const work = async (run: Run) => {
    let sum = 0;
    for (let i = 0; i < STEPS; i++) sum += (await run(`step ${i}`, () => body(i))).square;
    return sum;
  };

  const setup = testClient("bench");
  const fn = setup.client.createFunction({ id: "hundred-steps", triggers: [{ event: "bench/go" }] }, async ({ step }) =>
    work((id, f) => step.run(id, f) as never),
  );
  const executor = await startExecutor(setup, [fn], { concurrency: 1, pollMs: 1000 });

  const throughExecutor = async () => {
    const started = performance.now();
    const [runEventId] = (await setup.client.send({ name: "bench/go", data: {} })).ids;
    for (;;) {
      const [run] = await db
        .select({ status: tables.jobRuns.status, output: tables.jobRuns.output })
        .from(tables.jobRuns)
        .where(eq(tables.jobRuns.eventId, runEventId!));
      if (run?.status === "completed") {
        if (run.output !== (await work(async (_id, f) => f()))) throw new Error("wrong result");
        return performance.now() - started;
      }
      if (run && run.status !== "running" && run.status !== "queued") throw new Error(`run ${run.status}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const direct = async () => {
    const started = performance.now();
    await work(async (_id, f) => f());
    return performance.now() - started;
  };

  await throughExecutor(); // warm-up: JIT, statement caches
  const before = { ...executor.stats };
  const exec: number[] = [];
  const plain: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    exec.push(await throughExecutor());
    plain.push(await direct());
  }
  const calls = executor.stats.calls - before.calls;
  const handlerMs = executor.stats.handlerMs - before.handlerMs;
  await executor.stop();
  await closeConnection();
  fs.rmSync(dir, { recursive: true, force: true });

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const e = median(exec);
  const d = median(plain);
  console.log(`executor overhead (${STEPS} trivial steps, SQLite, median of ${ROUNDS})`);
  console.log(`  through the executor: ${e.toFixed(1)} ms`);
  console.log(`  direct calls:         ${d.toFixed(3)} ms`);
  console.log(`  overhead per step:    ${((e - d) / STEPS).toFixed(2)} ms`);
  console.log(`  ratio:                ${(e / Math.max(d, 0.001)).toFixed(0)}x`);
  const sdkPerStep = handlerMs / ROUNDS / STEPS;
  console.log(`  of which in the SDK's serve handler (replaying memoized steps): ${sdkPerStep.toFixed(2)} ms/step`);
  console.log(`  of which in the executor (queue, leases, state):              ${((e - d) / STEPS - sdkPerStep).toFixed(2)} ms/step`);
  console.log(`  calls per run: ${(calls / ROUNDS).toFixed(0)}`);
}
