import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { resetEnvForTests } from "@/lib/env";
import { waitFor } from "@/lib/jobs/test-kit";
import { makeFixtureDir } from "@/tests/media-fixtures";
import { startOldHost, type OldHost } from "@/tests/old-host";

/**
 * A big back catalogue must not hold the executor's slots for mastering: while a 40-episode
 * import runs (with the executor's global cap at 2, as on a 2-core machine), an episode's
 * processing started after it still finishes first, and the import never has more than two of
 * its episode runs at work at once (no flood of runs ahead of other work).
 */
let host: OldHost;
let executor: { stop: (o?: { timeoutMs?: number }) => Promise<void> } | null;
const media = makeFixtureDir();

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_NETWORK_FETCH = "true";
  process.env.EXECUTOR_CONCURRENCY = "2";
  resetEnvForTests();
  host = await startOldHost({ episodes: 40, quick: true });
  const { startJobs } = await import("@/lib/jobs/start");
  executor = await startJobs();
}, 120_000);

afterAll(async () => {
  await executor?.stop({ timeoutMs: 5000 });
  await host?.close();
  media.cleanup();
  delete process.env.ALLOW_PRIVATE_NETWORK_FETCH;
  delete process.env.EXECUTOR_CONCURRENCY;
  resetEnvForTests();
});

describe("imports and mastering share the executor", () => {
  it("processing started during a big import finishes before it, and the import keeps at most two episodes in flight", async () => {
    const { makeEpisode, makePodcast, makeUser, uploadFromPath } = await import("@/tests/factories");
    const { startImport, getImport, IMPORT_PARALLEL_EPISODES } = await import("@/lib/data/imports");
    const { startProcessing, getProcessing } = await import("@/lib/data/processing");
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const episode = await makeEpisode(user.viewer, podcast.id);
    const recording = await uploadFromPath(user.viewer, media.wav("talk.wav", 3));

    const imp = await startImport(user.viewer, host.feedUrl);
    await waitFor(async () => (await getImport(user.viewer, imp.id)).episodes.imported >= 2, 60_000, "the import to be under way");
    await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });

    let most = 0;
    let mostItems = 0;
    const processed = await waitFor(async () => {
      const inFlight = await db
        .select({ id: tables.jobRuns.id })
        .from(tables.jobRuns)
        .where(and(eq(tables.jobRuns.functionId, "podcastpro-import-episode"), inArray(tables.jobRuns.status, ["queued", "running"])));
      most = Math.max(most, inFlight.length);
      const items = await db
        .select({ id: tables.importItems.id })
        .from(tables.importItems)
        .where(and(eq(tables.importItems.importId, imp.id), inArray(tables.importItems.status, ["queued", "running"])));
      mostItems = Math.max(mostItems, items.length);
      const p = await getProcessing(user.viewer, episode.id);
      return p && !["queued", "running"].includes(p.status) ? p : null;
    }, 120_000, "the processing to end");
    expect(processed.status).toBe("succeeded");
    const during = await getImport(user.viewer, imp.id);
    expect(during.status).toBe("running");
    expect(during.episodes.imported).toBeLessThan(40);
    // Two episodes at work at a time; as runs hand over, an ending run and the one it started
    // overlap for a moment. Sending all 40 events at once would have queued 40 runs here.
    expect(mostItems).toBeGreaterThan(0);
    expect(mostItems).toBeLessThanOrEqual(IMPORT_PARALLEL_EPISODES);
    expect(most).toBeLessThanOrEqual(2 * IMPORT_PARALLEL_EPISODES);

    const done = await waitFor(async () => {
      const r = await getImport(user.viewer, imp.id);
      return r.status === "running" ? null : r;
    }, 240_000, "the import to end");
    expect(done).toMatchObject({ status: "succeeded", episodes: { total: 40, imported: 40, failed: 0 } });
  });
});
