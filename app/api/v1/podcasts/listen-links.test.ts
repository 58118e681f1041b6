import { describe, expect, it, vi } from "vitest";
import { renderPage } from "@/tests/render-page";
import { call } from "@/tests/api-client";
import * as openapiRoute from "../openapi.json/route";
import * as tokensRoute from "../tokens/route";
import * as usersRoute from "../users/route";
import * as podcastRoute from "./[id]/route";
import * as podcastsRoute from "./route";

vi.mock("next/headers", () => ({ headers: async () => new Headers({ host: "localhost" }) }));
// A listener: no session (the members' "Edit in dashboard" link is the browser tests').
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => null }));

async function tokenAndPodcast() {
  const email = `listen-${crypto.randomUUID()}@example.com`;
  const password = "correct horse battery";
  expect((await call(usersRoute.POST, { method: "POST", json: { name: "L", email, password } })).status).toBe(201);
  const token = (await call(tokensRoute.POST, { method: "POST", json: { email, password } })).body.token as string;
  const podcast = (await call(podcastsRoute.POST, { method: "POST", token, json: { title: "Listenable" } })).body;
  return { token, podcast };
}

describe("listenLinks", () => {
  it("are set with PATCH, returned by the API and shown on the public show page", async () => {
    const { token, podcast } = await tokenAndPodcast();
    expect(podcast.listenLinks).toEqual([]);
    const links = [
      { platform: "Apple Podcasts", url: "https://podcasts.apple.com/podcast/id123" },
      { platform: "other", url: "https://listen.example.org/show" },
    ];
    const patched = await call(podcastRoute.PATCH, { method: "PATCH", token, params: { id: podcast.id }, json: { listenLinks: links } });
    expect(patched.status).toBe(200);
    expect(patched.body.listenLinks).toEqual(links);
    expect((await call(podcastRoute.GET, { token, params: { id: podcast.id } })).body.listenLinks).toEqual(links);

    const page = (await import("@/app/p/[slug]/page")).default;
    const html = await renderPage(await page({ params: Promise.resolve({ slug: podcast.slug }) }));
    expect(html).toContain('<nav aria-label="Listen on"');
    expect(html).toContain('href="https://podcasts.apple.com/podcast/id123"');
    expect(html).toContain(">listen.example.org</a>");
  });

  it("refuse an unknown platform and anything but an http(s) address, field by field", async () => {
    const { token, podcast } = await tokenAndPodcast();
    const bad = await call(podcastRoute.PATCH, {
      method: "PATCH",
      token,
      params: { id: podcast.id },
      json: { listenLinks: [{ platform: "Napster", url: "https://x.example" }, { platform: "Spotify", url: "javascript:alert(1)" }, { platform: "YouTube", url: "youtube" }] },
    });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["listenLinks.0.platform", "listenLinks.1.url", "listenLinks.2.url"]);
    expect(bad.body.error.fields["listenLinks.1.url"]).toBe("Enter a full http(s) address.");
    expect((await call(podcastRoute.GET, { token, params: { id: podcast.id } })).body.listenLinks).toEqual([]);
  });

  it("are in the OpenAPI document's podcast schemas", async () => {
    const doc = (await call(openapiRoute.GET)).body;
    for (const name of ["PodcastCreate", "PodcastUpdate", "Podcast"]) {
      expect(doc.components.schemas[name].properties.listenLinks.items.properties.platform.enum, name).toContain("Pocket Casts");
    }
  });
});
