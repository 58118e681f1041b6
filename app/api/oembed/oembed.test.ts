import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { makeEpisode, makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import { call } from "@/tests/api-client";
import { GET } from "./route";

// The app answers for the host it is reached at (PUBLIC_URL unset in tests).
const HOST = { "x-forwarded-host": "localhost", "x-forwarded-proto": "http" };
const oembed = (url: string, extra = "") => call(GET, { path: `/api/oembed?url=${encodeURIComponent(url)}${extra}`, headers: HOST });

async function publicShow() {
  const user = await makeUser();
  const podcast = await makePodcast(user.viewer, { title: 'Show <"&>', author: "Ann" });
  const episode = await makePublishedEpisode(user.viewer, podcast.id, { title: "Pilot" });
  return { user, podcast, episode };
}

describe("GET /api/oembed", () => {
  it("answers a rich iframe of the embed player for a public episode and a show's newest episode", async () => {
    const { podcast, episode } = await publicShow();
    const res = await oembed(`http://localhost/p/${podcast.slug}/${episode.slug}`, "&format=json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ version: "1.0", type: "rich", width: 600, height: 200, provider_name: "PodcastPro", title: 'Pilot · Show <"&>' });
    expect(res.body.html).toContain(`src="http://localhost/p/${podcast.slug}/${episode.slug}/embed"`);
    // The show's title sits inside an attribute of someone else's page: escaped.
    expect(res.body.html).toContain('title="Pilot · Show &lt;&quot;&amp;&gt;"');
    expect(res.body.html).toMatch(/^<iframe [^>]*><\/iframe>$/);

    const show = await oembed(`http://localhost/p/${podcast.slug}`);
    expect(show.status).toBe(200);
    expect(show.body.html).toContain(`/p/${podcast.slug}/${episode.slug}/embed"`);
    const narrow = await oembed(`http://localhost/p/${podcast.slug}/${episode.slug}`, "&maxwidth=320&maxheight=150");
    expect(narrow.body).toMatchObject({ width: 320, height: 150 });
  });

  it("is not found for private shows, drafts, unknown pages and other hosts; 501 for XML", async () => {
    const { user, podcast, episode } = await publicShow();
    const draft = await makeEpisode(user.viewer, podcast.id, { title: "Draft" });
    const empty = await makePodcast(user.viewer);
    for (const url of [
      `http://localhost/p/${podcast.slug}/${draft.slug}`,
      `http://localhost/p/${podcast.slug}/no-such-episode`,
      `http://localhost/p/no-such-show`,
      `http://localhost/p/${empty.slug}`,
      `http://localhost/dashboard/episodes/${episode.id}`,
      `http://evil.example/p/${podcast.slug}/${episode.slug}`,
      "not a url",
      // Broken percent-encoding in the path: not a page, not a 500.
      "http://localhost/p/%ZZ",
      `http://localhost/p/${podcast.slug}/%E0%A4%A`,
      "http://localhost/p/%00",
      `http://localhost/p/${podcast.slug}/${episode.slug}%00`,
      `http://localhost/p/${podcast.slug}/%2e%2e/${episode.slug}`,
    ]) {
      const res = await oembed(url);
      expect(res.status, url).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect((await oembed(`http://localhost/p/${podcast.slug}/${episode.slug}`, "&format=xml")).status).toBe(501);
    // The asked-for format is not echoed back.
    const odd = await oembed(`http://localhost/p/${podcast.slug}/${episode.slug}`, `&format=${encodeURIComponent("<script>" + "x".repeat(5000))}`);
    expect(odd.status).toBe(501);
    expect(odd.body.error.message).toBe("Only format=json is offered.");
    expect((await call(GET, { path: "/api/oembed" })).status).toBe(422);

    await db.update(tables.podcasts).set({ isPrivate: true }).where(eq(tables.podcasts.id, podcast.id));
    expect((await oembed(`http://localhost/p/${podcast.slug}/${episode.slug}`)).status).toBe(404);
    expect((await oembed(`http://localhost/p/${podcast.slug}`)).status).toBe(404);
  });
});
