import { parseFeed } from "podcast-partytime";
import Parser from "rss-parser";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { makeEpisode, makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import { GET as feedRoute } from "@/app/p/[slug]/feed.xml/route";
import { updateEpisode } from "@/lib/data/episodes";
import { updatePodcast } from "@/lib/data/podcasts";
import { podcastGuid, uuidv5 } from "./feed";

const BASE = "http://localhost";

async function getFeed(slug: string, headers: Record<string, string> = {}) {
  const res = await feedRoute(new Request(`${BASE}/p/${slug}/feed.xml`, { headers: { host: "localhost", ...headers } }), {
    params: Promise.resolve({ slug }),
  });
  return { res, xml: await res.text() };
}

describe("RSS feed", () => {
  it("computes podcast:guid as the namespace specifies", () => {
    // The example from the Podcasting 2.0 namespace documentation.
    expect(podcastGuid("https://mp3s.nashownotes.com/pc20rss.xml")).toBe("917393e3-1b1e-5cef-ace4-edaa54e1f810");
    expect(uuidv5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
  });

  it("is accepted by podcast feed parsers with every Apple-required tag, published episodes only, newest first", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer, {
      title: "Feed & Friends <Live>",
      description: "<p>All about <b>feeds</b>.</p><script>alert(1)</script>",
      author: "Ada Lovelace",
      ownerName: "Ada",
      ownerEmail: "ada@example.com",
      language: "en-GB",
      category: "Technology",
      explicit: false,
      type: "episodic",
      copyright: "© 2026 Ada",
    });
    const old = await makePublishedEpisode(user.viewer, podcast.id, { title: "First", episodeNumber: 1, seasonNumber: 1, publishedAt: new Date("2026-01-05T10:00:00Z") });
    const newer = await makePublishedEpisode(user.viewer, podcast.id, { title: "Second", episodeNumber: 2, seasonNumber: 1, episodeType: "full", explicit: true, publishedAt: new Date("2026-02-05T10:00:00Z") });
    await makeEpisode(user.viewer, podcast.id, { title: "Draft, not in the feed" });

    const { res, xml } = await getFeed(podcast.slug);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    expect(xml).not.toContain("<script>");
    expect(xml).toContain('xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"');
    expect(xml).toContain('xmlns:podcast="https://podcastindex.org/namespace/1.0"');
    expect(xml).toContain(`<atom:link href="${BASE}/p/${podcast.slug}/feed.xml" rel="self" type="application/rss+xml"/>`);

    const feed = parseFeed(xml)!;
    expect(feed).toBeTruthy();
    expect(feed.title).toBe("Feed & Friends <Live>");
    expect(feed.language).toBe("en-GB");
    expect(feed.explicit).toBe(false);
    expect(feed.itunesCategory).toEqual(["Technology"]);
    expect(feed.author).toBe("Ada Lovelace");
    expect(feed.owner).toEqual({ name: "Ada", email: "ada@example.com" });
    expect(feed.itunesType).toBe("episodic");
    expect(feed.copyright).toBe("© 2026 Ada");
    expect(feed.guid).toBe(podcastGuid(`${BASE}/p/${podcast.slug}/feed.xml`));
    expect(feed.locked).toBe(true);
    expect(feed.items.map((i) => i.title)).toEqual(["Second", "First"]);
    const [second, first] = feed.items;
    expect(second!.guid).toBe(newer.guid);
    expect(first!.guid).toBe(old.guid);
    expect(second!.enclosure).toEqual({ url: `${BASE}/p/${podcast.slug}/${newer.slug}/audio.mp3`, length: newer.sizeBytes, type: "audio/mpeg" });
    expect(second!.duration).toBeGreaterThan(0);
    expect(second!.itunesEpisode).toBe(2);
    expect(second!.explicit).toBe(true);
    expect(second!.pubDate?.toISOString()).toBe("2026-02-05T10:00:00.000Z");

    // A second, independent parser agrees.
    const other = await new Parser({ customFields: { item: ["itunes:episodeType"] } }).parseString(xml);
    expect(other.items.map((i) => i.guid)).toEqual([newer.guid, old.guid]);
    expect(other.items[0]!.enclosure).toMatchObject({ length: String(newer.sizeBytes), type: "audio/mpeg" });
    expect(other.itunes?.owner).toEqual({ name: "Ada", email: "ada@example.com" });
    expect(other.itunes?.categories).toContain("Technology");
    expect(xml).toMatch(/<pubDate>Thu, 05 Feb 2026 10:00:00 GMT<\/pubDate>/);
  });

  it("keeps the podcast:guid it was first served with at a public address when the slug changes or the feed is reached under another host", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer, { ownerEmail: "g@example.com" });
    await makePublishedEpisode(user.viewer, podcast.id);
    const at = async (base: string, slug: string) => {
      const host = new URL(base).host;
      const res = await feedRoute(new Request(`${base}/p/${slug}/feed.xml`, { headers: { host } }), { params: Promise.resolve({ slug }) });
      expect(res.status).toBe(200);
      return parseFeed(await res.text())!.guid;
    };
    // Read at localhost or on the LAN first (a preview): derived from that URL, and not kept, or
    // every installation's show of that name would share it.
    expect(await at(BASE, podcast.slug)).toBe(podcastGuid(`${BASE}/p/${podcast.slug}/feed.xml`));
    expect(await at("http://192.168.1.20:3000", podcast.slug)).toBe(podcastGuid(`http://192.168.1.20:3000/p/${podcast.slug}/feed.xml`));
    // The first read at its public name gives the show its GUID, from the feed URL as the
    // namespace defines it.
    const guid = await at("https://pods.example", podcast.slug);
    expect(guid).toBe(podcastGuid(`https://pods.example/p/${podcast.slug}/feed.xml`));
    // A podcast gets its GUID once in its lifetime (Podcasting 2.0, PSP-1): apps and Podcast
    // Index follow the show by it, so a new slug or host must not make it another show.
    await updatePodcast(user.viewer, podcast.id, { slug: `${podcast.slug}-renamed` });
    expect(await at("https://pods.example", `${podcast.slug}-renamed`)).toBe(guid);
    expect(await at("http://other.test", `${podcast.slug}-renamed`)).toBe(guid);
    expect(await at(BASE, `${podcast.slug}-renamed`)).toBe(guid);
  });

  it("answers 304 to If-None-Match and If-Modified-Since, and changes its ETag when an episode changes", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const ep = await makePublishedEpisode(user.viewer, podcast.id);
    const first = await getFeed(podcast.slug);
    const etag = first.res.headers.get("etag")!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect((await getFeed(podcast.slug, { "if-none-match": etag })).res.status).toBe(304);
    // Weak comparison, as RFC 9110 requires for If-None-Match: a CDN that gzips the feed (Cloudflare
    // does) hands apps W/"…", and they send it back.
    expect((await getFeed(podcast.slug, { "if-none-match": `W/${etag}` })).res.status).toBe(304);
    expect((await getFeed(podcast.slug, { "if-none-match": `"x", W/${etag}` })).res.status).toBe(304);
    expect((await getFeed(podcast.slug, { "if-none-match": `W/"x"` })).res.status).toBe(200);
    expect((await getFeed(podcast.slug, { "if-modified-since": first.res.headers.get("last-modified")! })).res.status).toBe(304);
    await updateEpisode(user.viewer, ep.id, { title: "Renamed" });
    const changed = await getFeed(podcast.slug, { "if-none-match": etag });
    expect(changed.res.status).toBe(200);
    expect(changed.xml).toContain("Renamed");
    expect(changed.res.headers.get("etag")).not.toBe(etag);
  });

  it("stays well-formed whatever the titles and notes hold (CDATA ends, control characters, quotes)", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer, { title: 'Say "hi" & <bye>' });
    // No show notes: the title goes into <description> as CDATA, where "]]>" would end it.
    await makePublishedEpisode(user.viewer, podcast.id, { title: "Why ]]> ends CDATA\u0001", description: "" });
    const { res, xml } = await getFeed(podcast.slug);
    expect(res.status).toBe(200);
    const feed = await new Parser().parseString(xml);
    expect(feed.title).toBe('Say "hi" & <bye>');
    expect(feed.items[0]!.title).toBe("Why ]]> ends CDATA");
    expect(feed.items[0]!.content).toBe("Why ]]> ends CDATA");
  });

  it("answers 404 for private and unknown podcasts", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    await makePublishedEpisode(user.viewer, podcast.id);
    await db.update(tables.podcasts).set({ isPrivate: true }).where(eq(tables.podcasts.id, podcast.id));
    expect((await getFeed(podcast.slug)).res.status).toBe(404);
    expect((await getFeed("no-such-show")).res.status).toBe(404);
  });
});
