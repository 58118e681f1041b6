import { describe, expect, it } from "vitest";
import { call } from "@/tests/api-client";
import * as episodeRoute from "./episodes/[id]/route";
import * as meRoute from "./me/route";
import * as openapiRoute from "./openapi.json/route";
import * as podcastEpisodesRoute from "./podcasts/[id]/episodes/route";
import * as podcastRoute from "./podcasts/[id]/route";
import * as podcastsRoute from "./podcasts/route";
import * as tokenRoute from "./tokens/[id]/route";
import * as tokensRoute from "./tokens/route";
import * as usersRoute from "./users/route";

let seq = 0;
async function signUpWithToken() {
  const email = `api-${Date.now()}-${seq++}@example.com`;
  const password = "a long enough password";
  const user = await call(usersRoute.POST, { method: "POST", json: { name: "Ada", email, password } });
  expect(user.status).toBe(201);
  const token = await call(tokensRoute.POST, { method: "POST", json: { email, password } });
  expect(token.status).toBe(201);
  return { user: user.body, token: token.body.token as string, email, password };
}

describe("REST API /api/v1", () => {
  it("signs up, issues a token and answers /me", async () => {
    const { user, token, email } = await signUpWithToken();
    expect(user).toEqual({ id: expect.any(String), email, name: "Ada", createdAt: expect.any(String) });
    expect(user).not.toHaveProperty("passwordHash");
    const me = await call(meRoute.GET, { token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
  });

  it("refuses a taken e-mail with 409 and a field error", async () => {
    const { email } = await signUpWithToken();
    const again = await call(usersRoute.POST, { method: "POST", json: { name: "B", email: email.toUpperCase(), password: "another password" } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
    expect(again.body.error.fields.email).toMatch(/already exists/);
  });

  it("answers token errors without telling whether the e-mail exists", async () => {
    const { email } = await signUpWithToken();
    const wrongPassword = await call(tokensRoute.POST, { method: "POST", json: { email, password: "wrong password" } });
    const noSuchUser = await call(tokensRoute.POST, { method: "POST", json: { email: "nobody@example.com", password: "wrong password" } });
    expect(wrongPassword.status).toBe(401);
    expect(noSuchUser.status).toBe(401);
    expect(wrongPassword.body).toEqual(noSuchUser.body);
    expect(typeof (await signUpWithToken()).token).toBe("string");
  });

  it("returns the token's expiry and lets it be revoked", async () => {
    const { email, password } = await signUpWithToken();
    const created = await call(tokensRoute.POST, { method: "POST", json: { email, password, expiresInDays: 7 } });
    expect(new Date(created.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const token = created.body.token as string;
    const listed = await call(tokensRoute.GET, { token });
    expect(listed.body.items.map((t: { id: string }) => t.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect((await call(tokenRoute.DELETE, { method: "DELETE", token, params: { id: created.body.id } })).status).toBe(204);
    expect((await call(meRoute.GET, { token })).status).toBe(401);
  });

  it("answers 401 with a JSON error for a missing or bad token", async () => {
    const missing = await call(podcastsRoute.GET);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/Bearer/);
    expect(missing.body.error.code).toBe("unauthorized");
    expect((await call(podcastsRoute.GET, { token: "pp_not-a-token" })).status).toBe(401);
  });

  it("creates, reads, updates, lists and deletes podcasts with the documented fields", async () => {
    const { token } = await signUpWithToken();
    const created = await call(podcastsRoute.POST, {
      method: "POST",
      token,
      json: { title: "Deep Dive", description: "A show", category: "Technology", explicit: true, type: "serial" },
    });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(
      ["id", "slug", "title", "description", "author", "ownerName", "ownerEmail", "language", "category", "subcategory", "explicit", "type", "website", "copyright", "coverFileId", "introFileId", "outroFileId", "processing", "movedToFeedUrl", "importedFromUrl", "listenLinks", "enclosurePrefix", "opusRendition", "funding", "persons", "podroll", "txt", "location", "visibility", "role", "createdAt", "updatedAt"].sort(),
    );
    expect(created.body).toMatchObject({ slug: expect.stringMatching(/^deep-dive/), explicit: true, type: "serial", language: "en" });
    const id = created.body.id;

    const patched = await call(podcastRoute.PATCH, { method: "PATCH", token, params: { id }, json: { title: "Deeper Dive", category: "Arts", subcategory: "Books" } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: "Deeper Dive", category: "Arts", subcategory: "Books", description: "A show" });

    const got = await call(podcastRoute.GET, { token, params: { id } });
    expect(got.body.title).toBe("Deeper Dive");

    const list = await call(podcastsRoute.GET, { token });
    expect(list.body).toEqual({ items: [expect.objectContaining({ id })], nextCursor: null });

    expect((await call(podcastRoute.DELETE, { method: "DELETE", token, params: { id } })).status).toBe(204);
    expect((await call(podcastRoute.GET, { token, params: { id } })).status).toBe(404);
  });

  it("suggests a free slug for a taken title and refuses a taken explicit slug", async () => {
    const { token } = await signUpWithToken();
    const base = `same-title-${seq++}-${Date.now()}`;
    const first = await call(podcastsRoute.POST, { method: "POST", token, json: { title: base } });
    const second = await call(podcastsRoute.POST, { method: "POST", token, json: { title: base } });
    expect(first.body.slug).toBe(base);
    expect(second.body.slug).toBe(`${base}-2`);
    const explicit = await call(podcastsRoute.POST, { method: "POST", token, json: { title: "Other", slug: base } });
    expect(explicit.status).toBe(409);
    expect(explicit.body.error.fields.slug).toContain(`${base}-3`);
    expect(explicit.body.error.suggestion).toBe(`${base}-3`);
    const rename = await call(podcastRoute.PATCH, { method: "PATCH", token, params: { id: second.body.id }, json: { slug: base } });
    expect(rename.status).toBe(409);
  });

  it("maps bad input to 400, 415 and 422", async () => {
    const { token } = await signUpWithToken();
    const malformed = await call(podcastsRoute.POST, { method: "POST", token, body: "{not json", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("bad_request");
    const wrongType = await call(podcastsRoute.POST, { method: "POST", token, body: "title=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(wrongType.status).toBe(415);
    const invalid = await call(podcastsRoute.POST, {
      method: "POST",
      token,
      json: { title: "", explicit: "yes", category: "Cooking", website: "ftp://x", unknownField: 1 },
    });
    expect(invalid.status).toBe(422);
    expect(Object.keys(invalid.body.error.fields)).toEqual(expect.arrayContaining(["title", "explicit", "category", "website"]));
    const badSub = await call(podcastsRoute.POST, { method: "POST", token, json: { title: "X", category: "Arts", subcategory: "Golf" } });
    expect(badSub.status).toBe(422);
    expect(badSub.body.error.fields.subcategory).toMatch(/not a subcategory of Arts/);
    const huge = await call(podcastsRoute.POST, { method: "POST", token, json: { title: "x", description: "y".repeat(1_200_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("too_large");
    const badLimit = await call(podcastsRoute.GET, { token, path: "/api/v1/podcasts?limit=0" });
    expect(badLimit.status).toBe(422);
    const badCursor = await call(podcastsRoute.GET, { token, path: "/api/v1/podcasts?cursor=%%%" });
    expect(badCursor.status).toBe(400);
  });

  it("paginates with nextCursor, newest first, without repeats", async () => {
    const { token } = await signUpWithToken();
    const titles = ["One", "Two", "Three", "Four", "Five"];
    for (const title of titles) await call(podcastsRoute.POST, { method: "POST", token, json: { title: `${title} ${seq++}` } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof call>> = await call(podcastsRoute.GET, {
        token,
        path: `/api/v1/podcasts?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((p: { title: string }) => p.title.split(" ")[0]));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...titles].reverse());
  });

  it("manages episodes with a stable GUID and per-podcast slugs", async () => {
    const { token } = await signUpWithToken();
    const a = await call(podcastsRoute.POST, { method: "POST", token, json: { title: `Show A ${seq++}` } });
    const b = await call(podcastsRoute.POST, { method: "POST", token, json: { title: `Show B ${seq++}` } });
    const ep = await call(podcastEpisodesRoute.POST, {
      method: "POST",
      token,
      params: { id: a.body.id },
      json: { title: "Pilot", seasonNumber: 1, episodeNumber: 1, episodeType: "trailer" },
    });
    expect(ep.status).toBe(201);
    expect(Object.keys(ep.body).sort()).toEqual(
      ["id", "podcastId", "slug", "guid", "title", "description", "seasonNumber", "episodeNumber", "episodeType", "explicit", "status", "publishAt", "publishedAt", "audioFileId", "opusFileId", "durationSeconds", "sizeBytes", "persons", "soundbites", "access", "createdAt", "updatedAt"].sort(),
    );
    expect(ep.body).toMatchObject({ slug: "pilot", status: "draft", episodeType: "trailer", publishAt: null, publishedAt: null });
    const sameSlugOtherShow = await call(podcastEpisodesRoute.POST, { method: "POST", token, params: { id: b.body.id }, json: { title: "Pilot" } });
    expect(sameSlugOtherShow.body.slug).toBe("pilot");
    const second = await call(podcastEpisodesRoute.POST, { method: "POST", token, params: { id: a.body.id }, json: { title: "Pilot" } });
    expect(second.body.slug).toBe("pilot-2");

    const patched = await call(episodeRoute.PATCH, { method: "PATCH", token, params: { id: ep.body.id }, json: { title: "Pilot (remastered)", seasonNumber: null } });
    expect(patched.body).toMatchObject({ title: "Pilot (remastered)", seasonNumber: null, guid: ep.body.guid, slug: "pilot" });
    const guidChange = await call(episodeRoute.PATCH, { method: "PATCH", token, params: { id: ep.body.id }, json: { guid: "x" } });
    expect(guidChange.status).toBe(422);

    const list = await call(podcastEpisodesRoute.GET, { token, params: { id: a.body.id } });
    expect(list.body.items.map((e: { slug: string }) => e.slug)).toEqual(["pilot-2", "pilot"]);
    const invalid = await call(podcastEpisodesRoute.POST, { method: "POST", token, params: { id: a.body.id }, json: { title: "X", episodeNumber: -3, seasonNumber: 1.5 } });
    expect(invalid.status).toBe(422);
    expect(Object.keys(invalid.body.error.fields).sort()).toEqual(["episodeNumber", "seasonNumber"]);

    expect((await call(episodeRoute.DELETE, { method: "DELETE", token, params: { id: ep.body.id } })).status).toBe(204);
    expect((await call(episodeRoute.GET, { token, params: { id: ep.body.id } })).status).toBe(404);
  });

  it("answers 404 for another user's podcasts and episodes, and hides them from lists", async () => {
    const alice = await signUpWithToken();
    const bob = await signUpWithToken();
    const show = await call(podcastsRoute.POST, { method: "POST", token: alice.token, json: { title: `Private ${seq++}` } });
    const ep = await call(podcastEpisodesRoute.POST, { method: "POST", token: alice.token, params: { id: show.body.id }, json: { title: "Secret" } });
    const p = { id: show.body.id };
    const e = { id: ep.body.id };
    const attempts = [
      call(podcastRoute.GET, { token: bob.token, params: p }),
      call(podcastRoute.PATCH, { method: "PATCH", token: bob.token, params: p, json: { title: "Mine now" } }),
      call(podcastRoute.DELETE, { method: "DELETE", token: bob.token, params: p }),
      call(podcastEpisodesRoute.GET, { token: bob.token, params: p }),
      call(podcastEpisodesRoute.POST, { method: "POST", token: bob.token, params: p, json: { title: "Intruder" } }),
      call(episodeRoute.GET, { token: bob.token, params: e }),
      call(episodeRoute.PATCH, { method: "PATCH", token: bob.token, params: e, json: { title: "Mine" } }),
      call(episodeRoute.DELETE, { method: "DELETE", token: bob.token, params: e }),
      call(podcastRoute.GET, { token: bob.token, params: { id: "not-a-uuid" } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect((await call(podcastsRoute.GET, { token: bob.token })).body.items).toEqual([]);
    const still = await call(episodeRoute.GET, { token: alice.token, params: e });
    expect(still.body.title).toBe("Secret");
  });

  it("serves an OpenAPI document built from the same schemas", async () => {
    const doc = await call(openapiRoute.GET);
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(["/podcasts", "/podcasts/{id}", "/podcasts/{id}/episodes", "/episodes/{id}", "/tokens", "/users", "/me"]));
    expect(doc.body.components.schemas.PodcastCreate.properties.type.enum).toEqual(["episodic", "serial"]);
    expect(doc.body.components.schemas.PodcastCreate.required).toEqual(["title"]);
    // Teams: members, invitations, transfer; a member's too-low role is a documented 403.
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(["/podcasts/{id}/members", "/podcasts/{id}/members/{memberId}", "/podcasts/{id}/transfer", "/podcasts/{id}/activity", "/invitations/accept"]));
    expect(Object.keys(doc.body.paths["/podcasts/{id}"].patch.responses)).toEqual(expect.arrayContaining(["403", "404"]));
    expect(doc.body.components.schemas.Invitation.required).toEqual(expect.arrayContaining(["inviteToken", "inviteUrl", "status"]));
  });
});
