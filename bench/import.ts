/**
 * Import benchmark (issue 12): the 12-episode test feed and a generated 200-episode feed, served
 * by the loopback old host of the tests (tests/old-host.ts), imported through the embedded
 * executor on SQLite. Same-run reference: the bare work of the 200-episode import — every
 * enclosure fetched through the guarded fetch and ingested into the library one after the other,
 * without the executor, the episode rows or the feed. Prints both, and the ratio.
 *
 *   npm run bench:import
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-bench-import-"));
  process.env.DATA_DIR = dir;
  process.env.ALLOW_PRIVATE_NETWORK_FETCH = "true";
  process.env.LOG_LEVEL = "warn";
  delete process.env.DATABASE_URL;
  const { resetEnvForTests, getEnv } = await import("@/lib/env");
  resetEnvForTests();
  (await import("@/lib/log")).setLogLevel("warn");
  const { migrateDatabase } = await import("@/db/migrate");
  await migrateDatabase();
  const { createUser } = await import("@/lib/data/users");
  const { startImport, getImport } = await import("@/lib/data/imports");
  const { startJobs } = await import("@/lib/jobs/start");
  const { waitFor } = await import("@/lib/jobs/test-kit");
  const { startOldHost } = await import("@/tests/old-host");
  const executor = await startJobs();

  const run = async (episodes: number | undefined, label: string) => {
    const setupStarted = performance.now();
    const host = await startOldHost(episodes ? { episodes, quick: true } : {});
    const setupMs = performance.now() - setupStarted;
    const user = await createUser({ name: "Bench", email: `bench-${label}@example.com`, password: "bench password 123" });
    const viewer = { userId: user.id };
    const started = performance.now();
    const imp = await startImport(viewer, host.feedUrl);
    const done = await waitFor(async () => {
      const r = await getImport(viewer, imp.id);
      return ["succeeded", "partial", "failed"].includes(r.status) ? r : null;
    }, 30 * 60_000, `the ${label} import`);
    const ms = performance.now() - started;
    console.log(
      `import ${label}: ${(ms / 1000).toFixed(1)} s for ${done.episodes.total} episodes (${done.episodes.imported} imported, ${done.episodes.failed} failed), ` +
        `${(ms / Math.max(1, done.episodes.total)).toFixed(0)} ms per episode; fixture setup ${(setupMs / 1000).toFixed(1)} s`,
    );
    return { host, ms, viewer };
  };

  console.log(`import bench: SQLite, EXECUTOR_CONCURRENCY=${getEnv().EXECUTOR_CONCURRENCY}, ${os.availableParallelism()} cores`);
  const small = await run(undefined, "test feed (12 items)");
  await small.host.close();
  const big = await run(200, "generated feed (200 items)");

  // Reference: the same 200 downloads + ingests, sequential, no executor.
  const { fetchToFile } = await import("@/lib/net/guarded-fetch");
  const { ingestUpload } = await import("@/lib/data/media");
  const { scratchDir } = await import("@/lib/storage");
  const ref = await createUser({ name: "Ref", email: "bench-ref@example.com", password: "bench password 123" });
  const refStarted = performance.now();
  for (const item of big.host.items) {
    const tmp = path.join(await scratchDir("uploads"), `ref-${Math.random().toString(36).slice(2)}`);
    const got = await fetchToFile(`${big.host.base}${item.file}`, tmp, { maxBytes: 100 * 1024 * 1024 });
    await ingestUpload({ userId: ref.id }, { tempPath: tmp, originalFilename: "x.mp3", sizeBytes: got.sizeBytes, sha256: got.sha256 });
  }
  const refMs = performance.now() - refStarted;
  console.log(`reference (200 fetch + sniff + store, sequential, no executor): ${(refMs / 1000).toFixed(1)} s`);
  console.log(`ratio import / reference: ${(big.ms / refMs).toFixed(2)}`);
  await big.host.close();
  await executor?.stop({ timeoutMs: 5000 });
  fs.rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
