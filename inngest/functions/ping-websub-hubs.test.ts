import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import type { Executor } from "@/lib/jobs/executor";
import { resetEnvForTests } from "@/lib/env";
import { runsOf, waitFor } from "@/lib/jobs/test-kit";
import { makeEpisode, makePodcast, makePublishedEpisode, makeUser, uploadFromPath } from "@/tests/factories";

/**
 * WebSub through the real embedded executor: a hub on loopback counts the pings it gets, and
 * each change to a public feed must reach it exactly once.
 */
const pings: string[] = [];
let hub: http.Server;
let executor: Executor | null = null;

beforeAll(async () => {
  hub = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      pings.push(`${req.method} ${req.headers["content-type"]} ${body}`);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hub.listen(0, "127.0.0.1", resolve));
  process.env.WEBSUB_HUB_URL = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/hub`;
  process.env.PUBLIC_URL = "http://podcasts.test";
  resetEnvForTests();
  executor = await (await import("@/lib/jobs/start")).startJobs();
});

afterAll(async () => {
  await executor?.stop({ timeoutMs: 5000 });
  delete process.env.WEBSUB_HUB_URL;
  delete process.env.PUBLIC_URL;
  resetEnvForTests();
  await new Promise((resolve) => hub.close(resolve));
});

/** This user's hub-ping runs, once `n` exist and have all ended: then the hub's count is final. */
async function settledRuns(userId: string, n: number) {
  const mine = async () => (await runsOf("podcastpro-ping-websub-hubs")).filter((r) => r.userId === userId);
  await waitFor(async () => {
    const runs = await mine();
    return runs.length >= n && runs.every((r) => ["completed", "failed", "cancelled"].includes(r.status)) && runs;
  }, 20_000, `${n} finished hub-ping runs`);
  expect((await mine()).map((r) => r.status)).toEqual(Array(n).fill("completed"));
}

describe("WebSub hub pings", () => {
  it("reach the hub exactly once per feed change: publish, edit, unpublish and a scheduled publish", async () => {
    const { publishEpisode, unpublishEpisode } = await import("@/lib/data/publishing");
    const { updateEpisode } = await import("@/lib/data/episodes");
    const { setChapters } = await import("@/lib/data/episode-extras");
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const ep = await makePublishedEpisode(user.viewer, podcast.id);
    await db.update(tables.episodes).set({ status: "ready", publishedAt: null }).where(eq(tables.episodes.id, ep.id));
    const draft = await makeEpisode(user.viewer, podcast.id);
    const pingsOfShow = () => pings.filter((p) => p.includes(encodeURIComponent(`/p/${podcast.slug}/`)));
    const expected = `POST application/x-www-form-urlencoded hub.mode=publish&hub.url=${encodeURIComponent(`http://podcasts.test/p/${podcast.slug}/feed.xml`)}`;

    await publishEpisode(user.viewer, ep.id);
    await settledRuns(user.id, 1);
    expect(pingsOfShow()).toEqual([expected]);

    await updateEpisode(user.viewer, ep.id, { title: "Better title" });
    await setChapters(user.viewer, ep.id, [{ startSeconds: 0, title: "Start" }]);
    // Not in the feed: editing a draft tells no one.
    await updateEpisode(user.viewer, draft.id, { title: "Draft title" });
    await settledRuns(user.id, 3);
    expect(pingsOfShow()).toEqual([expected, expected, expected]);

    await unpublishEpisode(user.viewer, ep.id);
    await settledRuns(user.id, 4);
    expect(pingsOfShow()).toHaveLength(4);

    // Scheduling an episode that is not in the feed changes nothing; the publish firing does.
    await publishEpisode(user.viewer, ep.id, new Date(Date.now() + 1500));
    await waitFor(async () => (await db.select().from(tables.episodes).where(eq(tables.episodes.id, ep.id)))[0]?.status === "published", 20_000, "the scheduled publish");
    await settledRuns(user.id, 5);
    expect(pingsOfShow()).toEqual(Array(5).fill(expected));
  }, 60_000);

  it("reach the hub exactly once when a published episode is processed again (its enclosure changed), not for a draft", async () => {
    const os = await import("node:os");
    const path = await import("node:path");
    const { writeSpeechLikeWav } = await import("@/lib/media/test-signals");
    const { getProcessing, startProcessing } = await import("@/lib/data/processing");
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const ep = await makePublishedEpisode(user.viewer, podcast.id);
    const draft = await makeEpisode(user.viewer, podcast.id);
    const wav = path.join(os.tmpdir(), `pp-websub-${podcast.slug}.wav`);
    await writeSpeechLikeWav(wav, { seconds: 5, seed: 4, channels: 1, leadingSilence: 0.3, trailingSilence: 0.3 });
    const recording = await uploadFromPath(user.viewer, wav);
    const pingsOfShow = () => pings.filter((p) => p.includes(encodeURIComponent(`/p/${podcast.slug}/`)));
    const processed = async (episodeId: string) => {
      await startProcessing(user.viewer, episodeId, { audioFileId: recording.id });
      const done = await waitFor(async () => {
        const p = await getProcessing(user.viewer, episodeId);
        return p && !["queued", "running"].includes(p.status) && p;
      }, 90_000, "processing to end");
      expect(done.status).toBe("succeeded");
    };

    // A draft is in no feed: processing it tells no one.
    await processed(draft.id);
    await executor!.idle();
    expect(pingsOfShow()).toEqual([]);
    expect(await runsOf("podcastpro-ping-websub-hubs").then((runs) => runs.filter((r) => r.userId === user.id))).toEqual([]);

    // The published episode gets a new master: new enclosure length (and an Opus rendition).
    const before = (await db.select().from(tables.episodes).where(eq(tables.episodes.id, ep.id)))[0]!;
    await processed(ep.id);
    const after = (await db.select().from(tables.episodes).where(eq(tables.episodes.id, ep.id)))[0]!;
    expect(after.sizeBytes).not.toBe(before.sizeBytes);
    await settledRuns(user.id, 1);
    await executor!.idle();
    expect(pingsOfShow()).toEqual([`POST application/x-www-form-urlencoded hub.mode=publish&hub.url=${encodeURIComponent(`http://podcasts.test/p/${podcast.slug}/feed.xml`)}`]);
  }, 120_000);

  it("puts each hub in the feed as atom:link rel=hub", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const feed = await import("@/app/p/[slug]/feed.xml/route");
    const res = await feed.GET(new Request(`http://podcasts.test/p/${podcast.slug}/feed.xml`), { params: Promise.resolve({ slug: podcast.slug }) });
    expect(await res.text()).toContain(`<atom:link href="${process.env.WEBSUB_HUB_URL}" rel="hub"/>`);
  });
});
