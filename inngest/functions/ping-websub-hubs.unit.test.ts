import http from "node:http";
import type { AddressInfo } from "node:net";
import { InngestTestEngine, mockCtx } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { captureLogs } from "@/lib/log";
import { makePodcast, makeUser } from "@/tests/factories";
import { pingWebSubHubs } from "./ping-websub-hubs";

/** A hub that is down: a loopback port nothing listens on any more. */
let downHub = "";

beforeAll(async () => {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  downHub = `http://127.0.0.1:${(s.address() as AddressInfo).port}/hub`;
  await new Promise((resolve) => s.close(resolve));
  process.env.WEBSUB_HUB_URL = downHub;
  process.env.PUBLIC_URL = "http://podcasts.test";
  resetEnvForTests();
});
afterAll(() => {
  delete process.env.WEBSUB_HUB_URL;
  delete process.env.PUBLIC_URL;
  resetEnvForTests();
});

const run = (userId: string, podcastId: string, attempt: number) =>
  new InngestTestEngine({ function: pingWebSubHubs, transformCtx: (ctx) => ({ ...mockCtx(ctx), attempt }) }).execute({
    events: [{ name: "podcast/feed.changed", data: { userId, podcastId } }],
  });

describe("ping-websub-hubs with a hub that is down (unit)", () => {
  it("retries the ping while attempts remain, then logs it and completes: no failure for the podcaster", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);

    const early = await run(user.id, podcast.id, 0);
    expect(early.error).toBeTruthy(); // the step throws, so the executor retries it

    const logs = captureLogs();
    try {
      const last = await run(user.id, podcast.id, 4);
      expect(last.error).toBeUndefined();
      expect(last.result).toMatchObject({ feedUrl: `http://podcasts.test/p/${podcast.slug}/feed.xml`, hubs: [{ hub: downHub, ok: false }] });
      expect(logs.records()).toContainEqual(expect.objectContaining({ level: "warn", msg: "websub: hub unreachable, gave up", hub: downHub }));
    } finally {
      logs.restore();
    }
  });
});
