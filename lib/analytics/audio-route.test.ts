import fs from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { GET, HEAD } from "@/app/p/[slug]/[episode]/audio.mp3/route";
import { db, tables } from "@/db";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import { makeFixtureDir } from "@/tests/media-fixtures";
import { flushDownloads } from "./index";
import { id3TagBytes } from "./threshold";

const fx = makeFixtureDir();
afterAll(() => fx.cleanup());

const APPLE = "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)";

/** The response once its whole body has been read. */
async function received(res: Response) {
  await res.arrayBuffer();
  return res;
}

// Through the real enclosure route: what a podcast app does, and what gets counted.
describe("downloads recorded by the audio route", () => {
  it("counts Apple's probe-then-ranges sequence once, and not HEAD or bots", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const episode = await makePublishedEpisode(user.viewer, podcast.id);
    const size = episode.audioBytes.length;
    const request = async (method: "GET" | "HEAD", headers: Record<string, string>) => {
      const handler = method === "GET" ? GET : HEAD;
      const req = new Request(`http://localhost/p/${podcast.slug}/${episode.slug}/audio.mp3`, {
        method,
        headers: { "x-forwarded-for": "203.0.113.9", ...headers },
      });
      // Read as a podcast app would: analytics count the bytes that went out.
      return received(await handler(req, { params: Promise.resolve({ slug: podcast.slug, episode: episode.slug }) }));
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

  it("counts the ID3 tag as headers: a download needs the tag plus a minute of audio", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    // About 1 MB of cover art (noise does not compress) in front of 120 s at 64 kbit/s (960 kB).
    const picture = fx.ffmpeg(["-f", "lavfi", "-i", "nullsrc=s=600x600,geq=r='random(1)*255':g='random(2)*255':b='random(3)*255'", "-frames:v", "1"], "art.png");
    const episode = await makePublishedEpisode(user.viewer, podcast.id, { seconds: 120, picture });
    const size = episode.audioBytes.length;
    const tag = id3TagBytes(episode.audioBytes);
    expect(tag).toBeGreaterThan(fs.statSync(picture).size);
    const minute = Math.ceil(((size - tag) / 120) * 60);
    // Pro rata (a minute of the whole file's average rate) this fetch would already count.
    expect(tag + 100_000).toBeGreaterThan(size / 2);
    const get = async (range: string) =>
      received(
        await GET(
          new Request(`http://localhost/p/${podcast.slug}/${episode.slug}/audio.mp3`, {
            headers: { "x-forwarded-for": "198.51.100.7", "user-agent": APPLE, range },
          }),
          { params: Promise.resolve({ slug: podcast.slug, episode: episode.slug }) },
        ),
      );
    const session = async () => {
      await flushDownloads();
      return (await db.select().from(tables.downloadSessions).where(eq(tables.downloadSessions.episodeId, episode.id)))[0]!;
    };
    expect((await get(`bytes=0-${tag + 100_000 - 1}`)).status).toBe(206);
    expect(await session()).toMatchObject({ thresholdBytes: tag + minute, countedAt: null });
    expect((await get(`bytes=${tag + 100_000}-${tag + minute - 2}`)).status).toBe(206);
    expect((await session()).countedAt).toBeNull();
    expect((await get(`bytes=${tag + minute - 1}-${tag + minute - 1}`)).status).toBe(206);
    expect((await session()).countedAt).not.toBeNull();
  });

  it("counts the bytes that went out, not those asked for: a player that stops after the metadata is no download", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const episode = await makePublishedEpisode(user.viewer, podcast.id, { seconds: 120 });
    const res = await GET(
      new Request(`http://localhost/p/${podcast.slug}/${episode.slug}/audio.mp3`, {
        headers: { "x-forwarded-for": "198.51.100.8", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36", range: "bytes=0-" },
      }),
      { params: Promise.resolve({ slug: podcast.slug, episode: episode.slug }) },
    );
    expect(res.status).toBe(206);
    expect(res.headers.get("content-length")).toBe(String(episode.audioBytes.length));
    // The browser reads a first chunk (the metadata) and goes away.
    const reader = res.body!.getReader();
    const first = await reader.read();
    await reader.cancel();
    await flushDownloads();
    const [row] = await db.select().from(tables.downloadSessions).where(eq(tables.downloadSessions.episodeId, episode.id));
    expect(row).toMatchObject({ coveredBytes: first.value!.byteLength, countedAt: null });
    expect(first.value!.byteLength).toBeLessThan(row!.thresholdBytes);
  });
});
