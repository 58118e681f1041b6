import { describe, expect, it } from "vitest";
import * as podcastRoute from "@/app/api/v1/podcasts/[id]/route";
import * as tokensRoute from "@/app/api/v1/tokens/route";
import * as feedRoute from "@/app/p/[slug]/feed.xml/route";
import { call } from "@/tests/api-client";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";

/** Moving a show away from this app: movedToFeedUrl makes the feed a 301, and null undoes it. */
describe("movedToFeedUrl", () => {
  const feed = (slug: string) => feedRoute.GET(new Request(`http://localhost/p/${slug}/feed.xml`), { params: Promise.resolve({ slug }) });

  it("makes the feed answer 301 to the new host, refuses other schemes, and clearing restores the feed", async () => {
    const user = await makeUser();
    const token = (await call(tokensRoute.POST, { method: "POST", json: { email: user.email, password: user.password, name: "t" } })).body.token;
    const podcast = await makePodcast(user.viewer);
    await makePublishedEpisode(user.viewer, podcast.id);
    expect((await feed(podcast.slug)).status).toBe(200);

    const patch = (movedToFeedUrl: unknown) =>
      call(podcastRoute.PATCH, { method: "PATCH", token, params: { id: podcast.id }, json: { movedToFeedUrl } });
    const bad = await patch("ftp://newhost.example/feed.xml");
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.movedToFeedUrl).toMatch(/http/);

    const moved = await patch("https://newhost.example/shows/mine/feed.xml");
    expect(moved.status).toBe(200);
    expect(moved.body.movedToFeedUrl).toBe("https://newhost.example/shows/mine/feed.xml");
    const res = await feed(podcast.slug);
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("https://newhost.example/shows/mine/feed.xml");

    const back = await patch(null);
    expect(back.body.movedToFeedUrl).toBeNull();
    expect((await feed(podcast.slug)).status).toBe(200);
  });
});
