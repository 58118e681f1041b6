import { describe, expect, it, vi } from "vitest";
import { getEpisode } from "@/lib/data/episodes";
import { call } from "@/tests/api-client";
import { makeEpisode, makePodcast, makeUser } from "@/tests/factories";
import * as episodeRoute from "./episodes/[id]/route";
import * as openapiRoute from "./openapi.json/route";
import * as podcastEpisodesRoute from "./podcasts/[id]/episodes/route";
import * as podcastRoute from "./podcasts/[id]/route";
import * as podcastsRoute from "./podcasts/route";
import * as tokensRoute from "./tokens/route";
import * as usersRoute from "./users/route";

const session = vi.hoisted(() => ({ viewer: null as { userId: string } | null }));
vi.mock("@/lib/auth/session", () => ({ requireViewer: async () => session.viewer }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw Object.assign(new Error("NEXT_REDIRECT"), { digest: `NEXT_REDIRECT;replace;${to};307;` });
  },
}));

async function token() {
  const email = `notes-${crypto.randomUUID()}@example.com`;
  const password = "correct horse battery";
  expect((await call(usersRoute.POST, { method: "POST", json: { name: "N", email, password } })).status).toBe(201);
  return (await call(tokensRoute.POST, { method: "POST", json: { email, password } })).body.token as string;
}

// 100 links are some 3,000 characters of Markdown but over 8,000 bytes of HTML in the feed.
const TOO_LONG = Array.from({ length: 100 }, (_, i) => `[${i}](https://example.com/${i})`).join(" ");
const LIMIT_MESSAGE = /^The feed would carry [\d,]+ bytes of notes; Apple Podcasts allows 4,000\. Shorten them by [\d,]+ bytes\.$/;

function form(fields: Record<string, string>) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  return fd;
}

describe("show notes over Apple's 4,000 bytes", () => {
  it("are refused by the API with 422 and a field message; Markdown goes in and comes back as written", async () => {
    const t = await token();
    const podcast = (await call(podcastsRoute.POST, { method: "POST", token: t, json: { title: "Notes" } })).body;

    const created = await call(podcastEpisodesRoute.POST, { method: "POST", token: t, params: { id: podcast.id }, json: { title: "Long", description: TOO_LONG } });
    expect(created.status).toBe(422);
    expect(created.body.error.code).toBe("invalid");
    expect(created.body.error.fields.description).toMatch(LIMIT_MESSAGE);

    const markdown = "**Bold** notes at 12:34 with [a link](https://example.com).";
    const ok = await call(podcastEpisodesRoute.POST, { method: "POST", token: t, params: { id: podcast.id }, json: { title: "Short", description: markdown } });
    expect(ok.status).toBe(201);
    expect(ok.body.description).toBe(markdown);
    expect((await call(episodeRoute.GET, { token: t, params: { id: ok.body.id } })).body.description).toBe(markdown);

    const patched = await call(episodeRoute.PATCH, { method: "PATCH", token: t, params: { id: ok.body.id }, json: { description: `${markdown} ${TOO_LONG}` } });
    expect(patched.status).toBe(422);
    expect(patched.body.error.fields.description).toMatch(LIMIT_MESSAGE);
    expect((await call(episodeRoute.GET, { token: t, params: { id: ok.body.id } })).body.description).toBe(markdown);

    const show = await call(podcastRoute.PATCH, { method: "PATCH", token: t, params: { id: podcast.id }, json: { description: TOO_LONG } });
    expect(show.status).toBe(422);
    expect(show.body.error.fields.description).toMatch(LIMIT_MESSAGE);
  });

  it("are refused by the dashboard's forms with the same message, keeping what was typed", async () => {
    const user = await makeUser();
    session.viewer = user.viewer;
    const podcast = await makePodcast(user.viewer);
    const { createEpisodeAction, updateEpisodeAction } = await import("@/app/dashboard/episodes/actions");

    const created = await createEpisodeAction(podcast.id, {}, form({ title: "Long", description: TOO_LONG, episodeType: "full" }));
    expect(created.fields?.description).toMatch(LIMIT_MESSAGE);
    expect(created.values?.description).toBe(TOO_LONG);

    const episode = await makeEpisode(user.viewer, podcast.id, { description: "Short." });
    const updated = await updateEpisodeAction(episode.id, {}, form({ title: episode.title, description: TOO_LONG, episodeType: "full" }));
    expect(updated.fields?.description).toMatch(LIMIT_MESSAGE);
    expect((await getEpisode(user.viewer, episode.id)).description).toBe("Short.");

    const { updatePodcastAction } = await import("@/app/dashboard/podcasts/actions");
    const show = await updatePodcastAction(podcast.id, {}, form({ title: "Show", description: TOO_LONG, language: "en", type: "episodic" }));
    expect(show.fields?.description).toMatch(LIMIT_MESSAGE);
  });

  it("are described as Markdown in the OpenAPI document", async () => {
    const doc = (await call(openapiRoute.GET)).body;
    for (const name of ["EpisodeCreate", "EpisodeUpdate", "PodcastCreate", "PodcastUpdate"]) {
      expect(doc.components.schemas[name].properties.description.description, name).toMatch(/^Show notes in Markdown/);
    }
  });
});
