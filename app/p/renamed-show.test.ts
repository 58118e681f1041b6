import { describe, expect, it } from "vitest";
import { GET as audioRoute } from "@/app/p/[slug]/[episode]/audio.mp3/route";
import { GET as feedRoute } from "@/app/p/[slug]/feed.xml/route";
import { updatePodcast } from "@/lib/data/podcasts";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import { loadEpisode, loadPodcast } from "./load";

/**
 * A show renamed in its settings keeps its listeners: the former slug's feed, audio and pages
 * answer a permanent redirect to the same path under the current slug, which is how podcast apps
 * learn a feed's new address. A live show's slug always wins over another's former one.
 */
const BASE = "http://localhost";
const feed = (slug: string) => feedRoute(new Request(`${BASE}/p/${slug}/feed.xml`, { headers: { host: "localhost" } }), { params: Promise.resolve({ slug }) });
const audio = (slug: string, episode: string) =>
  audioRoute(new Request(`${BASE}/p/${slug}/${episode}/audio.mp3`, { headers: { host: "localhost", range: "bytes=0-9" } }), { params: Promise.resolve({ slug, episode }) });
const redirectTo = (path: string) => expect.objectContaining({ digest: expect.stringMatching(new RegExp(`^NEXT_REDIRECT;replace;${path.replace(/[/.]/g, "\\$&")};308;`)) });
const notFoundPage = expect.objectContaining({ digest: expect.stringMatching(/^NEXT_HTTP_ERROR_FALLBACK;404/) });

describe("a renamed show", () => {
  it("answers 301 from its former feed and audio URLs and 308 from its former pages, to the same path under the new slug", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer, { title: "Old Name" });
    const ep = await makePublishedEpisode(user.viewer, podcast.id);
    const former = podcast.slug;
    const current = `${former}-renamed`;
    await updatePodcast(user.viewer, podcast.id, { slug: current });

    const movedFeed = await feed(former);
    expect(movedFeed.status).toBe(301);
    expect(movedFeed.headers.get("location")).toBe(`${BASE}/p/${current}/feed.xml`);
    expect((await feed(current)).status).toBe(200);
    const movedAudio = await audio(former, ep.slug);
    expect(movedAudio.status).toBe(301);
    expect(movedAudio.headers.get("location")).toBe(`${BASE}/p/${current}/${ep.slug}/audio.mp3`);
    expect((await audio(current, ep.slug)).status).toBe(206);
    await expect(loadPodcast(former)).rejects.toEqual(redirectTo(`/p/${current}`));
    await expect(loadEpisode(former, ep.slug)).rejects.toEqual(redirectTo(`/p/${current}/${ep.slug}`));
    await expect(loadEpisode(former, ep.slug, "/embed")).rejects.toEqual(redirectTo(`/p/${current}/${ep.slug}/embed`));

    // Renamed again: both former slugs lead to the current one.
    await updatePodcast(user.viewer, podcast.id, { slug: `${former}-third` });
    expect((await feed(former)).headers.get("location")).toBe(`${BASE}/p/${former}-third/feed.xml`);
    expect((await feed(current)).headers.get("location")).toBe(`${BASE}/p/${former}-third/feed.xml`);
    // Taking back its first slug ends that redirect.
    await updatePodcast(user.viewer, podcast.id, { slug: former });
    expect((await feed(former)).status).toBe(200);
    expect((await feed(`${former}-third`)).headers.get("location")).toBe(`${BASE}/p/${former}/feed.xml`);
  });

  it("gives its former slug up to a new show, and a private show's former URLs stay 404", async () => {
    const user = await makeUser();
    const first = await makePodcast(user.viewer, { title: "Moving Show" });
    const former = first.slug;
    await updatePodcast(user.viewer, first.id, { slug: `${former}-moved` });
    expect((await feed(former)).status).toBe(301);
    // Another show takes the free slug: its own feed answers there, not the redirect.
    const other = await makePodcast(user.viewer, { title: "Newcomer", slug: former });
    expect(other.slug).toBe(former);
    expect((await feed(former)).status).toBe(200);
    expect(await (await feed(former)).text()).toContain("<title>Newcomer</title>");

    const secret = await makePodcast(user.viewer, { title: "Secret Show", visibility: "private" });
    await updatePodcast(user.viewer, secret.id, { slug: `${secret.slug}-hidden` });
    expect((await feed(secret.slug)).status).toBe(404);
    await expect(loadPodcast(secret.slug)).rejects.toEqual(notFoundPage);
  });
});
