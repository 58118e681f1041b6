import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import { publishEpisode } from "./publish-episode";

/** Unit tests of the real function with @inngest/test (the sleep is mocked, the publish step runs). */
async function scheduledEpisode(at: Date) {
  const user = await makeUser();
  const podcast = await makePodcast(user.viewer);
  const ep = await makePublishedEpisode(user.viewer, podcast.id);
  await db.update(tables.episodes).set({ status: "scheduled", publishAt: at, publishedAt: null }).where(eq(tables.episodes.id, ep.id));
  return { user, ep };
}

// A fresh engine per run: an engine remembers step results between executions.
const engine = () => new InngestTestEngine({ function: publishEpisode });
const event = (userId: string, episodeId: string, at: Date) => ({
  name: "episode/publish.scheduled" as const,
  data: { userId, episodeId, publishAt: at.toISOString() },
});

describe("publish-episode (unit)", () => {
  it("sleeps until the publish time, then publishes", async () => {
    const at = new Date(Date.now() + 3_600_000);
    const { user, ep } = await scheduledEpisode(at);
    const { result, ctx } = await engine().execute({
      events: [event(user.id, ep.id, at)],
      steps: [{ id: "wait until the publish time", handler() {} }],
    });
    expect(ctx.step.sleepUntil).toHaveBeenCalledWith("wait until the publish time", at);
    expect(result).toEqual({ published: true });
    const [row] = await db.select().from(tables.episodes).where(eq(tables.episodes.id, ep.id));
    expect(row).toMatchObject({ status: "published", publishedAt: at, publishAt: null });
  });

  it("does nothing when the schedule changed meanwhile", async () => {
    const at = new Date(Date.now() + 3_600_000);
    const { user, ep } = await scheduledEpisode(new Date(at.getTime() + 60_000));
    const { result } = await engine().execute({
      events: [event(user.id, ep.id, at)],
      steps: [{ id: "wait until the publish time", handler() {} }],
    });
    expect(result).toEqual({ published: false });
    const [row] = await db.select().from(tables.episodes).where(eq(tables.episodes.id, ep.id));
    expect(row!.status).toBe("scheduled");
  });
});
