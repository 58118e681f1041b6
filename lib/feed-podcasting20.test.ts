import { parseFeed } from "podcast-partytime";
import { describe, expect, it } from "vitest";
import { GET as feedRoute } from "@/app/p/[slug]/feed.xml/route";
import { updateEpisode } from "@/lib/data/episodes";
import { updatePodcast } from "@/lib/data/podcasts";
import { podcastGuid } from "@/lib/feed";
import { updateEpisodeSchema } from "@/lib/validation/episode";
import { updatePodcastSchema } from "@/lib/validation/podcast";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";

async function getFeed(slug: string) {
  const res = await feedRoute(new Request(`http://localhost/p/${slug}/feed.xml`, { headers: { host: "localhost" } }), { params: Promise.resolve({ slug }) });
  return { etag: res.headers.get("etag"), xml: await res.text() };
}

const GUID = "917393e3-1b1e-5cef-ace4-edaa54e1f810";

/**
 * Every Podcasting 2.0 tag a podcaster sets, read back by podcast-partytime (Podcast Index's
 * parser).
 */
describe("Podcasting 2.0 tags in the feed", () => {
  it("carry funding, persons, location, txt and podroll on the channel and persons and soundbites on items", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const ep = await makePublishedEpisode(user.viewer, podcast.id, { seconds: 10 });
    const before = await getFeed(podcast.slug);
    expect(before.xml).not.toContain("podcast:person");

    await updatePodcast(
      user.viewer,
      podcast.id,
      updatePodcastSchema.parse({
        funding: [{ url: "https://ko-fi.com/show", label: "Buy us a coffee & <cake>" }],
        persons: [{ name: "Ann <Host>", role: "host", img: "https://example.com/ann.jpg", href: "https://example.com/ann" }, { name: "Bo", role: "audio editor", group: "audio post-production" }],
        podroll: [{ feedGuid: GUID }, { feedUrl: "https://feeds.example.com/other.xml" }],
        txt: [{ purpose: "verify", value: "S6lpp-7ZCn8-dZfGc-OoyaG" }, { value: "plain note" }],
        location: { name: "Austin, TX", geo: "geo:30.2672,97.7431", osm: "R113314" },
      }),
    );
    await updateEpisode(
      user.viewer,
      ep.id,
      updateEpisodeSchema.parse({
        persons: [{ name: "Guesty McGuest", role: "Guest" }],
        soundbites: [{ startTime: 1.5, duration: 6, title: "The best bit" }, { startTime: 2, duration: 3 }],
      }),
    );
    const after = await getFeed(podcast.slug);
    expect(after.etag).not.toBe(before.etag);
    const feed = parseFeed(after.xml)!;

    expect(feed.podcastFunding).toEqual([{ url: "https://ko-fi.com/show", message: "Buy us a coffee & <cake>" }]);
    expect(feed.podcastPeople).toEqual([
      { name: "Ann <Host>", role: "Host", group: "Cast", img: "https://example.com/ann.jpg", href: "https://example.com/ann" },
      { name: "Bo", role: "Audio Editor", group: "Audio Post-Production" },
    ]);
    expect(feed.podcastLocation).toEqual({ name: "Austin, TX", geo: "geo:30.2672,97.7431", osm: "R113314" });
    expect(feed.podcastTxt).toEqual([{ purpose: "verify", value: "S6lpp-7ZCn8-dZfGc-OoyaG" }, { value: "plain note" }]);
    // Only a feed URL given: its podcast:guid is derived from it, as the namespace defines it.
    expect(feed.podroll).toEqual([{ feedGuid: GUID }, { feedGuid: podcastGuid("https://feeds.example.com/other.xml"), feedUrl: "https://feeds.example.com/other.xml" }]);
    const item = feed.items[0]!;
    expect(item.podcastPeople).toEqual([{ name: "Guesty McGuest", role: "Guest", group: "Cast" }]);
    expect(item.podcastSoundbites).toEqual([
      { startTime: 1.5, duration: 6, title: "The best bit" },
      // No title: the parser falls back to the show's title.
      { startTime: 2, duration: 3, title: feed.title },
    ]);
    // Values are escaped by the XML builder, never pasted in.
    expect(after.xml).toContain("Buy us a coffee &amp; &lt;cake&gt;");
    expect(after.xml).toContain('<podcast:person role="host" group="cast"');
  });

  it("refuses roles and groups outside the taxonomy, and a role of another group", () => {
    const bad = (persons: unknown) => updatePodcastSchema.safeParse({ persons }).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(bad([{ name: "X", role: "Wizard" }])?.[0]).toMatch(/^persons\.0\.role: "Wizard" is not a role of the Cast group/);
    expect(bad([{ name: "X", group: "Band" }])?.[0]).toMatch(/^persons\.0\.group: Use a group of the podcast taxonomy/);
    expect(bad([{ name: "X", role: "Composer", group: "Cast" }])?.[0]).toMatch(/^persons\.0\.role:/);
    expect(bad([{ name: "X", img: "javascript:alert(1)" }])?.[0]).toMatch(/^persons\.0\.img:/);
    expect(updatePodcastSchema.safeParse({ podroll: [{}] }).success).toBe(false);
    expect(updatePodcastSchema.safeParse({ location: { name: "X", geo: "30,97" } }).success).toBe(false);
    expect(updateEpisodeSchema.safeParse({ soundbites: [{ startTime: -1, duration: 5 }] }).success).toBe(false);
  });
});
