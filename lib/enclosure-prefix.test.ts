import { parseFeed } from "podcast-partytime";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as audioRoute } from "@/app/p/[slug]/[episode]/audio.mp3/route";
import { GET as feedRoute } from "@/app/p/[slug]/feed.xml/route";
import { db, tables } from "@/db";
import { flushDownloads } from "@/lib/analytics";
import { updatePodcast } from "@/lib/data/podcasts";
import { updatePodcastSchema } from "@/lib/validation/podcast";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";

const APPLE = "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)";

async function getFeed(slug: string, headers: Record<string, string> = {}) {
  const res = await feedRoute(new Request(`https://podcasts.example/p/${slug}/feed.xml`, { headers: { host: "podcasts.example", "x-forwarded-proto": "https", ...headers } }), {
    params: Promise.resolve({ slug }),
  });
  return { res, xml: await res.text() };
}

describe("analytics prefix (enclosurePrefix)", () => {
  it("puts the prefix before each enclosure URL without its scheme, and changes the feed's ETag", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const ep = await makePublishedEpisode(user.viewer, podcast.id);
    const before = await getFeed(podcast.slug);
    expect(parseFeed(before.xml)!.items[0]!.enclosure!.url).toBe(`https://podcasts.example/p/${podcast.slug}/${ep.slug}/audio.mp3`);

    await updatePodcast(user.viewer, podcast.id, updatePodcastSchema.parse({ enclosurePrefix: "https://op3.dev/e/" }));
    const after = await getFeed(podcast.slug, { "if-none-match": before.res.headers.get("etag")! });
    expect(after.res.status).toBe(200); // not 304: the feed changed
    expect(after.res.headers.get("etag")).not.toBe(before.res.headers.get("etag"));
    const feed = parseFeed(after.xml)!;
    expect(feed.items[0]!.enclosure).toMatchObject({ url: `https://op3.dev/e/podcasts.example/p/${podcast.slug}/${ep.slug}/audio.mp3`, type: "audio/mpeg", length: ep.sizeBytes });

    // Podtrac's shape: a path prefix, the same rule.
    await updatePodcast(user.viewer, podcast.id, updatePodcastSchema.parse({ enclosurePrefix: "https://dts.podtrac.com/redirect.mp3/" }));
    expect(parseFeed((await getFeed(podcast.slug)).xml)!.items[0]!.enclosure!.url).toBe(`https://dts.podtrac.com/redirect.mp3/podcasts.example/p/${podcast.slug}/${ep.slug}/audio.mp3`);

    // Cleared: the plain URL again.
    await updatePodcast(user.viewer, podcast.id, updatePodcastSchema.parse({ enclosurePrefix: "" }));
    expect(parseFeed((await getFeed(podcast.slug)).xml)!.items[0]!.enclosure!.url).toBe(`https://podcasts.example/p/${podcast.slug}/${ep.slug}/audio.mp3`);
  });

  it("still counts the download when the prefix service redirects the app to our enclosure", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer, { enclosurePrefix: "https://op3.dev/e/" });
    const ep = await makePublishedEpisode(user.viewer, podcast.id);
    const prefixed = parseFeed((await getFeed(podcast.slug)).xml)!.items[0]!.enclosure!.url;
    // What OP3 does: strip its prefix, restore https://, redirect the app there.
    const target = "https://" + prefixed.slice("https://op3.dev/e/".length);
    expect(target).toBe(`https://podcasts.example/p/${podcast.slug}/${ep.slug}/audio.mp3`);
    const res = await audioRoute(new Request(target, { headers: { "user-agent": APPLE, "x-forwarded-for": "203.0.113.7" } }), {
      params: Promise.resolve({ slug: podcast.slug, episode: ep.slug }),
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    await flushDownloads();
    const sessions = await db.select().from(tables.downloadSessions).where(eq(tables.downloadSessions.episodeId, ep.id));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.countedAt).not.toBeNull();
  });

  it("accepts only an https:// address ending in /", () => {
    for (const bad of ["http://op3.dev/e/", "https://op3.dev/e", "op3.dev/e/", "https://op3.dev/e/?x=1/", "javascript:alert(1)//"]) {
      const r = updatePodcastSchema.safeParse({ enclosurePrefix: bad });
      expect(r.success, bad).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(["enclosurePrefix"]);
    }
    expect(updatePodcastSchema.parse({ enclosurePrefix: " https://op3.dev/e/ " }).enclosurePrefix).toBe("https://op3.dev/e/");
    expect(updatePodcastSchema.parse({ enclosurePrefix: "" }).enclosurePrefix).toBeNull();
  });
});
