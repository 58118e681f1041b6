import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET, HEAD } from "@/app/p/[slug]/[episode]/audio.mp3/route";
import { db, tables } from "@/db";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import { flushDownloads } from "./index";

const APPLE = "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)";

// Through the real enclosure route: what a podcast app does, and what gets counted.
describe("downloads recorded by the audio route", () => {
  it("counts Apple's probe-then-ranges sequence once, and not HEAD or bots", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const episode = await makePublishedEpisode(user.viewer, podcast.id);
    const size = episode.audioBytes.length;
    const request = (method: "GET" | "HEAD", headers: Record<string, string>) => {
      const handler = method === "GET" ? GET : HEAD;
      const req = new Request(`http://localhost/p/${podcast.slug}/${episode.slug}/audio.mp3`, {
        method,
        headers: { "x-forwarded-for": "203.0.113.9", ...headers },
      });
      return handler(req, { params: Promise.resolve({ slug: podcast.slug, episode: episode.slug }) });
    };
    const sessions = async () => {
      await flushDownloads();
      return db.select().from(tables.downloadSessions).where(eq(tables.downloadSessions.episodeId, episode.id));
    };

    expect((await request("HEAD", { "user-agent": APPLE })).status).toBe(200);
    expect((await request("GET", { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" })).status).toBe(200);
    expect(await sessions()).toHaveLength(0);

    expect((await request("GET", { "user-agent": APPLE, range: "bytes=0-1" })).status).toBe(206);
    expect((await request("GET", { "user-agent": APPLE, range: "bytes=0-1" })).status).toBe(206);
    let rows = await sessions();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ coveredBytes: 2, countedAt: null });

    // The file is shorter than a minute, so the whole of it makes the download.
    const half = Math.floor(size / 2);
    expect((await request("GET", { "user-agent": APPLE, range: `bytes=0-${half}` })).status).toBe(206);
    expect((await sessions())[0]!.countedAt).toBeNull();
    expect((await request("GET", { "user-agent": APPLE, range: `bytes=${half}-` })).status).toBe(206);
    expect((await request("GET", { "user-agent": APPLE })).status).toBe(200);
    rows = await sessions();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ coveredBytes: size, requests: 5, app: "Apple Podcasts", device: "iPhone" });
    expect(rows[0]!.countedAt).not.toBeNull();
    expect(JSON.stringify(rows)).not.toContain("203.0.113.9");
  });
});
