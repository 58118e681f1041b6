import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";
import { getEpisode } from "@/lib/data/episodes";
import type { Executor } from "@/lib/jobs/executor";
import { embeddedSigningKey } from "@/lib/jobs/mode";
import { startExecutor, waitFor } from "@/lib/jobs/test-kit";
import { makeEpisode, makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import { publishEpisode, unpublishEpisode } from "./publishing";

const running: Executor[] = [];
async function start() {
  const e = await startExecutor({ client: inngest, signingKey: embeddedSigningKey() }, functions, { leaseMs: 600 });
  running.push(e);
  return e;
}
afterAll(async () => {
  for (const e of running) await e.stop({ timeoutMs: 2000 });
});

/** The publish-episode runs of an episode, with their schedule and where their sleep stands. */
async function publishRuns(episodeId: string) {
  const rows = await db
    .select({ run: tables.jobRuns, data: tables.jobEvents.data })
    .from(tables.jobRuns)
    .innerJoin(tables.jobEvents, eq(tables.jobRuns.eventId, tables.jobEvents.id))
    .where(eq(tables.jobRuns.functionId, "podcastpro-publish-episode"));
  const mine = rows.filter((r) => r.data.episodeId === episodeId);
  return Promise.all(
    mine.map(async ({ run, data }) => {
      const [sleep] = await db
        .select()
        .from(tables.jobSteps)
        .where(and(eq(tables.jobSteps.runId, run.id), eq(tables.jobSteps.status, "sleeping")));
      return {
        status: run.status,
        output: run.output as { published?: boolean } | null,
        publishAt: String(data.publishAt),
        sleepingUntil: sleep?.wakeAt ?? null,
      };
    }),
  );
}

/** A ready (unpublished) episode with audio. */
async function readyEpisode() {
  const user = await makeUser();
  const podcast = await makePodcast(user.viewer);
  const ep = await makePublishedEpisode(user.viewer, podcast.id);
  await db.update(tables.episodes).set({ status: "ready", publishedAt: null }).where(eq(tables.episodes.id, ep.id));
  return { user, podcast, ep };
}

describe("publishing", () => {
  it("refuses to publish an episode without audio, saying why", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const ep = await makeEpisode(user.viewer, podcast.id);
    await expect(publishEpisode(user.viewer, ep.id)).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/no audio/) });
  });

  it("publishes now and unpublishes", async () => {
    const { user, ep } = await readyEpisode();
    const published = await publishEpisode(user.viewer, ep.id);
    expect(published.status).toBe("published");
    expect(published.publishedAt).toBeInstanceOf(Date);
    const back = await unpublishEpisode(user.viewer, ep.id);
    expect(back.status).toBe("ready");
    const other = await makeUser();
    await expect(publishEpisode(other.viewer, ep.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("publishes a scheduled episode at its time, across an executor restart", async () => {
    await start();
    const { user, ep } = await readyEpisode();
    const at = new Date(Date.now() + 2500);
    const scheduled = await publishEpisode(user.viewer, ep.id, at);
    expect(scheduled).toMatchObject({ status: "scheduled", publishAt: at });
    // The run reaches its sleep, then the process "crashes".
    await waitFor(async () => {
      const steps = await db.select().from(tables.jobSteps);
      return steps.some((s) => s.status === "sleeping");
    }, 5000, "the scheduled publish to sleep");
    await running[running.length - 1]!.stop({ abandon: true });
    expect((await getEpisode(user.viewer, ep.id)).status).toBe("scheduled");

    await start();
    const done = await waitFor(async () => {
      const e = await getEpisode(user.viewer, ep.id);
      return e.status === "published" && e;
    }, 15_000, "the episode to be published");
    expect(done.publishedAt!.getTime()).toBe(at.getTime());
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime());
  }, 30_000);

  it("rescheduling replaces the pending publish, and unpublishing cancels it", async () => {
    if (running.length === 0) await start();
    const { user, ep } = await readyEpisode();
    const first = new Date(Date.now() + 1500);
    await publishEpisode(user.viewer, ep.id, first);
    const later = new Date(Date.now() + 60_000);
    await publishEpisode(user.viewer, ep.id, later);
    // The first schedule's run ends without publishing: cancelled by the new schedule (or, had
    // it started after the cancel event, woken and finding the episode scheduled for another
    // time). The second one sleeps until its own time.
    const firstRun = await waitFor(async () => {
      const run = (await publishRuns(ep.id)).find((r) => r.publishAt === first.toISOString());
      return run && ["completed", "failed", "cancelled"].includes(run.status) && run;
    }, 10_000, "the first schedule's run to end");
    expect(firstRun.status === "cancelled" || (firstRun.status === "completed" && firstRun.output?.published === false), JSON.stringify(firstRun)).toBe(true);
    const secondRun = await waitFor(async () => {
      const run = (await publishRuns(ep.id)).find((r) => r.publishAt === later.toISOString());
      return run?.sleepingUntil && run;
    }, 10_000, "the second schedule's run to sleep");
    expect(secondRun.sleepingUntil).toEqual(later);
    expect(await getEpisode(user.viewer, ep.id)).toMatchObject({ status: "scheduled", publishAt: later });

    await unpublishEpisode(user.viewer, ep.id);
    const after = await getEpisode(user.viewer, ep.id);
    expect(after).toMatchObject({ status: "ready", publishAt: null });
    await waitFor(async () => {
      const run = (await publishRuns(ep.id)).find((r) => r.publishAt === later.toISOString());
      return run?.status === "cancelled";
    }, 10_000, "unpublishing to cancel the pending publish");
  }, 30_000);
});
