import { XMLValidator } from "fast-xml-parser";
import { parseFeed } from "podcast-partytime";
import { describe, expect, it } from "vitest";
import { GET as feedRoute } from "@/app/p/[slug]/feed.xml/route";
import { createApiTokenForViewer } from "@/lib/data/tokens";
import { call } from "@/tests/api-client";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import * as episodeRoute from "./episodes/[id]/route";
import * as podcastRoute from "./podcasts/[id]/route";

async function setUp() {
  const user = await makeUser();
  const { token } = await createApiTokenForViewer(user.viewer, { name: "hostile", expiresInDays: 1 });
  const podcast = await makePodcast(user.viewer);
  const episode = await makePublishedEpisode(user.viewer, podcast.id, { seconds: 2 });
  return { token, podcast, episode };
}

const patchPodcast = (token: string, id: string, json: unknown) => call(podcastRoute.PATCH, { method: "PATCH", token, params: { id }, json });
const patchEpisode = (token: string, id: string, json: unknown) => call(episodeRoute.PATCH, { method: "PATCH", token, params: { id }, json });

/** Podcasting 2.0 values a hostile client sends: numbers and lists the namespace cannot mean. */
describe("hostile Podcasting 2.0 values", () => {
  it("refuses soundbites that start absurdly late or last no time, and writes plain decimals in the feed", async () => {
    const { token, podcast, episode } = await setUp();
    const bad = await patchEpisode(token, episode.id, {
      soundbites: [
        { startTime: 1e308, duration: 5 },
        { startTime: 1e21, duration: 5 },
        { startTime: 1, duration: 1e-300 },
        { startTime: 1, duration: 0.5 },
        // Podcast Index's parser skips a soundbite at 0: it would vanish from apps.
        { startTime: 0, duration: 15 },
        { startTime: 5e-324, duration: 16 },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toEqual({
      "soundbites.0.startTime": "At most 100 hours into the episode.",
      "soundbites.1.startTime": "At most 100 hours into the episode.",
      "soundbites.2.duration": "At least 1 second.",
      "soundbites.3.duration": "At least 1 second.",
      "soundbites.4.startTime": "Start after 0:00 (Podcast Index skips a soundbite at 0).",
      "soundbites.5.startTime": "Start after 0:00 (Podcast Index skips a soundbite at 0).",
    });

    // Fractions finer than a millisecond are rounded: the feed never carries 1e-7 or 0.30000000000000004.
    const ok = await patchEpisode(token, episode.id, { soundbites: [{ startTime: 2 + 1e-7, duration: 15 }, { startTime: 0.1 + 0.2, duration: 1.0004 }] });
    expect(ok.status).toBe(200);
    expect(ok.body.soundbites).toEqual([{ startTime: 2, duration: 15 }, { startTime: 0.3, duration: 1 }]);
    const res = await feedRoute(new Request(`http://localhost/p/${podcast.slug}/feed.xml`, { headers: { host: "localhost" } }), { params: Promise.resolve({ slug: podcast.slug }) });
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<podcast:soundbite startTime="2" duration="15"/>');
    expect(xml).toContain('<podcast:soundbite startTime="0.3" duration="1"/>');
    expect(parseFeed(xml)!.items[0]!.podcastSoundbites?.map((b) => [b.startTime, b.duration])).toEqual([
      [2, 15],
      [0.3, 1],
    ]);
  });

  it("refuses a geo URI outside the globe", async () => {
    const { token, podcast } = await setUp();
    for (const geo of ["geo:99,10", "geo:-90.5,10", "geo:10,181", "geo:10,-999.9"]) {
      const res = await patchPodcast(token, podcast.id, { location: { name: "Nowhere", geo } });
      expect(res.status, geo).toBe(422);
      expect(res.body.error.fields["location.geo"], geo).toBe("Latitude is between -90 and 90, longitude between -180 and 180.");
    }
    expect((await patchPodcast(token, podcast.id, { location: { name: "Edge", geo: "geo:-90,180.0;u=35" } })).status).toBe(200);
  });

  it("refuses the same show, link, person or soundbite listed twice, naming the second", async () => {
    const { token, podcast, episode } = await setUp();
    const guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810";
    const res = await patchPodcast(token, podcast.id, {
      podroll: [{ feedGuid: guid }, { feedUrl: "https://a.example/feed.xml" }, { feedGuid: guid.toUpperCase() }, { feedUrl: "https://A.example/feed.xml" }],
      funding: [{ url: "https://ko-fi.com/x", label: "a" }, { url: "https://ko-fi.com/x", label: "b" }],
      listenLinks: [{ platform: "Spotify", url: "https://open.spotify.com/show/1" }, { platform: "other", url: "https://open.spotify.com/show/1" }],
      persons: [{ name: "Ann", role: "Host" }, { name: "ann ", role: "host" }, { name: "Ann", role: "Producer", group: "Creative Direction" }],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual({
      "podroll.2": "This show is already in the list (item 1).",
      "podroll.3": "This show is already in the list (item 2).",
      "funding.1.url": "This address is already in the list (item 1).",
      "listenLinks.1.url": "This address is already in the list (item 1).",
      "persons.1": "This person already has this role (item 1).",
    });
    const sb = await patchEpisode(token, episode.id, { soundbites: [{ startTime: 1, duration: 5 }, { startTime: 1, duration: 5, title: "again" }] });
    expect(sb.status).toBe(422);
    expect(sb.body.error.fields).toEqual({ "soundbites.1": "The same soundbite is already in the list (item 1)." });
  });

  it("stores a podroll GUID in lower case, as podcast:guid is written", async () => {
    const { token, podcast } = await setUp();
    const res = await patchPodcast(token, podcast.id, { podroll: [{ feedGuid: "917393E3-1B1E-5CEF-ACE4-EDAA54E1F810" }] });
    expect(res.status).toBe(200);
    expect(res.body.podroll).toEqual([{ feedGuid: "917393e3-1b1e-5cef-ace4-edaa54e1f810" }]);
  });
});

describe("a hostile analytics prefix", () => {
  it("is written to the feed as a plain ASCII URL: an IDN host in punycode, quotes and brackets percent-encoded", async () => {
    const { token, podcast } = await setUp();
    const idn = await patchPodcast(token, podcast.id, { enclosurePrefix: "https://bücher.example/e/" });
    expect(idn.status).toBe(200);
    expect(idn.body.enclosurePrefix).toBe("https://xn--bcher-kva.example/e/");
    const odd = await patchPodcast(token, podcast.id, { enclosurePrefix: 'HTTPS://OP3.DEV/e/"<x>/' });
    expect(odd.status).toBe(200);
    expect(odd.body.enclosurePrefix).toBe("https://op3.dev/e/%22%3Cx%3E/");
  });
});
