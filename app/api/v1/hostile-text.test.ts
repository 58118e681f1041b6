import { XMLValidator } from "fast-xml-parser";
import { parseFeed } from "podcast-partytime";
import { describe, expect, it, vi } from "vitest";
import { GET as feedRoute } from "@/app/p/[slug]/feed.xml/route";
import { GET as enclosureRoute } from "@/app/p/[slug]/[episode]/audio.mp3/route";
import { createApiTokenForViewer } from "@/lib/data/tokens";
import { parseForm } from "@/lib/form-state";
import { updatePodcastSchema } from "@/lib/validation/podcast";
import { call } from "@/tests/api-client";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import * as episodeRoute from "./episodes/[id]/route";
import * as podcastRoute from "./podcasts/[id]/route";
import * as subscribersRoute from "./podcasts/[id]/subscribers/route";
import * as importRoute from "./podcasts/[id]/subscribers/import/route";

vi.mock("next/headers", () => ({ headers: async () => new Headers({ host: "localhost" }) }));

async function setUp() {
  const user = await makeUser();
  const { token } = await createApiTokenForViewer(user.viewer, { name: "hostile", expiresInDays: 1 });
  const podcast = await makePodcast(user.viewer);
  const episode = await makePublishedEpisode(user.viewer, podcast.id, { seconds: 2 });
  return { user, token, podcast, episode };
}

async function feedOf(slug: string) {
  const res = await feedRoute(new Request(`http://localhost/p/${slug}/feed.xml`, { headers: { host: "localhost" } }), { params: Promise.resolve({ slug }) });
  return { status: res.status, xml: await res.text() };
}

/**
 * Text a hostile client sends: characters XML 1.0 forbids and PostgreSQL cannot store (NUL, other
 * C0 controls, lone surrogates) are refused with the field's name, on both databases, never
 * stored (SQLite took them; PostgreSQL answered 500); what XML can carry goes in and the feed
 * still parses.
 */
describe("hostile text in the API", () => {
  it("refuses control characters and lone surrogates in podcast fields, naming each field", async () => {
    const { token, podcast } = await setUp();
    const res = await call(podcastRoute.PATCH, {
      method: "PATCH",
      token,
      params: { id: podcast.id },
      json: {
        title: "Show\u0000",
        funding: [{ url: "https://ko-fi.com/x", label: "a\u0008b" }],
        persons: [{ name: "\ud800" }],
        txt: [{ value: "token\u001f" }],
        location: { name: "\udc00Austin" },
        listenLinks: [{ platform: "other", url: "https://listen.example/\u0000" }],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual({
      title: "Remove the control character U+0000 at character 5: it cannot be stored or put in a feed.",
      "funding.0.label": "Remove the control character U+0008 at character 2: it cannot be stored or put in a feed.",
      "persons.0.name": "Remove the broken character at character 1 (half of a UTF-16 surrogate pair, U+D800).",
      "txt.0.value": "Remove the control character U+001F at character 6: it cannot be stored or put in a feed.",
      "location.name": "Remove the broken character at character 1 (half of a UTF-16 surrogate pair, U+DC00).",
      "listenLinks.0.url": "Remove the control character U+0000 at character 24: it cannot be stored or put in a feed.",
    });
    const after = (await call(podcastRoute.GET, { token, params: { id: podcast.id } })).body;
    expect(after.title).toBe(podcast.title);
    expect(after.funding).toEqual([]);
  });

  it("refuses them in episode fields and subscriber names too", async () => {
    const { token, podcast, episode } = await setUp();
    const ep = await call(episodeRoute.PATCH, {
      method: "PATCH",
      token,
      params: { id: episode.id },
      json: { description: "notes\u0000", soundbites: [{ startTime: 1, duration: 5, title: "a\ud800" }], persons: [{ name: "G\u0007" }] },
    });
    expect(ep.status).toBe(422);
    expect(Object.keys(ep.body.error.fields).sort()).toEqual(["description", "persons.0.name", "soundbites.0.title"]);

    const sub = await call(subscribersRoute.POST, { method: "POST", token, params: { id: podcast.id }, json: { name: "N\u0000", email: "n@example.com" } });
    expect(sub.status).toBe(422);
    expect(sub.body.error.fields.name).toMatch(/^Remove the control character U\+0000/);

    const csv = await importRoute.POST(
      new Request("http://localhost/api/v1/x", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" }, body: "Ok,ok@example.com\nN\u0000,nul@example.com\n" }),
      { params: Promise.resolve({ id: podcast.id }) },
    );
    expect(csv.status).toBe(200);
    expect(await csv.json()).toEqual({ created: 1, skipped: 0, errors: [{ line: 2, message: expect.stringMatching(/^Remove the control character U\+0000/) }] });
  });

  it("takes what XML can carry (CDATA ends, markup, bidi marks, emoji) and the feed still parses", async () => {
    const { token, podcast, episode } = await setUp();
    const label = "]]> & <b>\"x\"</b> \u202etxet 🎙️\ttab";
    const res = await call(podcastRoute.PATCH, {
      method: "PATCH",
      token,
      params: { id: podcast.id },
      json: { title: label, funding: [{ url: "https://ko-fi.com/x?a=1&b=2", label }], txt: [{ value: label }], persons: [{ name: label }] },
    });
    expect(res.status).toBe(200);
    expect((await call(episodeRoute.PATCH, { method: "PATCH", token, params: { id: episode.id }, json: { title: label, soundbites: [{ startTime: 1, duration: 5, title: label }] } })).status).toBe(200);
    const { status, xml } = await feedOf(podcast.slug);
    expect(status).toBe(200);
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parseFeed(xml)!;
    expect(feed.title).toBe(label);
    expect(feed.podcastFunding).toEqual([{ url: "https://ko-fi.com/x?a=1&b=2", message: label }]);
    expect(feed.podcastTxt).toEqual([{ value: label }]);
    expect(feed.items[0]!.title).toBe(label);
    expect(feed.items[0]!.podcastSoundbites?.[0]?.title).toBe(label);
  });

  it("answers 404, not 500, for a public address whose slug holds a NUL", async () => {
    const { podcast, episode } = await setUp();
    for (const slug of ["\u0000", `${podcast.slug}\u0000`]) expect((await feedOf(slug)).status).toBe(404);
    const enclosure = await enclosureRoute(new Request("http://localhost/p/x/y/audio.mp3", { headers: { host: "localhost" } }), {
      params: Promise.resolve({ slug: podcast.slug, episode: `${episode.slug}\u0000` }),
    });
    expect(enclosure.status).toBe(404);
  });

  it("refuses them in dashboard forms as well (parseForm), on the field", () => {
    const parsed = parseForm(updatePodcastSchema, { title: "T\u0000", persons: [{ name: "ok" }] }, new FormData());
    expect(parsed.state?.fields).toEqual({ title: "Remove the control character U+0000 at character 2: it cannot be stored or put in a feed." });
  });
});
