import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { resetEnvForTests } from "@/lib/env";
import { parseFeed } from "@/lib/import/parse-feed";
import { waitFor } from "@/lib/jobs/test-kit";
import { makeUser } from "@/tests/factories";
import { call } from "@/tests/api-client";
import { startOldHost, type OldHost } from "@/tests/old-host";

/**
 * The whole import through the embedded executor and the real functions, against a loopback
 * host that behaves like a real old host (tests/old-host.ts), on SQLite and PostgreSQL alike.
 */

let host: OldHost;
let executor: { stop: (o?: { timeoutMs?: number }) => Promise<void> } | null;
let alice: Awaited<ReturnType<typeof makeUser>> & { token: string };
let bob: Awaited<ReturnType<typeof makeUser>> & { token: string };

async function tokenFor(u: { email: string; password: string }) {
  const tokens = await import("@/app/api/v1/tokens/route");
  return (await call(tokens.POST, { method: "POST", json: { email: u.email, password: u.password, name: "t" } })).body.token as string;
}

function setFlag(on: boolean) {
  if (on) process.env.ALLOW_PRIVATE_NETWORK_FETCH = "true";
  else delete process.env.ALLOW_PRIVATE_NETWORK_FETCH;
  resetEnvForTests();
}

async function postImport(token: string, feedUrl: string) {
  const route = await import("@/app/api/v1/imports/route");
  return call(route.POST, { method: "POST", path: "/api/v1/imports", token, json: { feedUrl } });
}

async function getImport(token: string, id: string) {
  const route = await import("@/app/api/v1/imports/[id]/route");
  return call(route.GET, { path: `/api/v1/imports/${id}`, token, params: { id } });
}

async function finished(token: string, id: string, timeoutMs = 120_000) {
  return waitFor(async () => {
    const res = await getImport(token, id);
    return ["succeeded", "partial", "failed"].includes(res.body.status) ? res.body : null;
  }, timeoutMs, `import ${id} to finish`);
}

beforeAll(async () => {
  setFlag(true);
  host = await startOldHost();
  const a = await makeUser({ name: "Alice" });
  const b = await makeUser({ name: "Bob" });
  alice = { ...a, token: await tokenFor(a) };
  bob = { ...b, token: await tokenFor(b) };
  const { startJobs } = await import("@/lib/jobs/start");
  executor = await startJobs();
}, 120_000);

afterAll(async () => {
  await executor?.stop({ timeoutMs: 5000 });
  await host?.close();
  setFlag(false);
});

describe("importing a podcast from its feed", () => {
  let importId: string;
  let podcastId: string;

  it("imports every episode losslessly and lists the one whose audio 404s", async () => {
    const res = await postImport(alice.token, host.feedUrl);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: "queued", podcastId: null });
    importId = res.body.id;
    // Progress is visible while it runs: some poll sees it between 0 and 1.
    const seen = new Set<number>();
    const feedRoute = await import("@/app/p/[slug]/feed.xml/route");
    const done = await waitFor(async () => {
      const r = (await getImport(alice.token, importId)).body;
      seen.add(r.progress);
      // Podcast apps poll the new feed while the import runs: each version read here is cached,
      // so the feed checked after the import is only right if every import write changed it.
      if (r.podcastId) {
        const [p] = await db.select({ slug: tables.podcasts.slug }).from(tables.podcasts).where(eq(tables.podcasts.id, r.podcastId as string));
        if (p) await (await feedRoute.GET(new Request(`http://localhost/p/${p.slug}/feed.xml`), { params: Promise.resolve({ slug: p.slug }) })).text();
      }
      return ["succeeded", "partial", "failed"].includes(r.status) ? r : null;
    }, 120_000, "the import");
    expect(done.status).toBe("partial");
    expect(done.progress).toBe(1);
    expect(done.episodes).toEqual({ total: 12, imported: 11, failed: 1, skipped: 0 });
    const missing = host.items.find((i) => !i.file)!;
    expect(done.errors).toHaveLength(1);
    expect(done.errors[0]).toMatchObject({ guid: missing.guid, title: missing.title });
    expect(done.errors[0].message).toMatch(/HTTP 404/);
    expect(done.error).toBeNull();
    expect([...seen].some((p) => p > 0 && p < 1)).toBe(true);
    podcastId = done.podcastId;
  });

  it("keeps the channel: fields, categories mapped, cover validated, podcast:guid kept", async () => {
    const [p] = await db.select().from(tables.podcasts).where(eq(tables.podcasts.id, podcastId));
    expect(p).toMatchObject({
      ownerId: alice.id,
      title: "The Old Show & Friends",
      author: "Olive Host",
      ownerName: "Olive Host",
      ownerEmail: "olive@oldhost.example",
      language: "en-GB",
      category: "Technology",
      subcategory: null,
      explicit: false,
      type: "serial",
      copyright: "© 2021 Old Show Ltd",
      website: "https://oldhost.example/show",
      importedFromUrl: host.feedUrl,
      sourcePodcastGuid: host.podcastGuid,
    });
    expect(p!.description).toBe("<p>A show that moves. </p>");
    expect(p!.coverFileId).not.toBeNull();
    const imp = (await getImport(alice.token, importId)).body;
    // The 600×600 episode cover breaks the rules: kept in the library and reported.
    expect(imp.notes.join("\n")).toMatch(/Episode 5.*cover art breaks the cover rules.*media library/);
  });

  it("keeps GUIDs exactly, dates to the second, the same bytes, and measures what the feed got wrong", async () => {
    const rows = await db
      .select({ e: tables.episodes, f: tables.mediaFiles })
      .from(tables.episodes)
      .leftJoin(tables.mediaFiles, eq(tables.mediaFiles.id, tables.episodes.audioFileId))
      .where(eq(tables.episodes.podcastId, podcastId));
    expect(rows).toHaveLength(12);
    for (const item of host.items) {
      const row = rows.find((r) => r.e.guid === item.guid);
      expect(row, item.guid).toBeDefined();
      const { e, f } = row!;
      expect(e.title).toBe(item.title);
      expect(e.description).not.toMatch(/script|onerror|onclick|steal|<img/);
      expect(e.description).toContain("<b>episode");
      expect(e.seasonNumber).toBe(item.season ?? null);
      expect(e.episodeNumber).toBe(item.episode ?? null);
      expect(e.episodeType).toBe(item.type ?? "full");
      if (!item.file) {
        expect(e.status).toBe("draft");
        expect(e.audioFileId).toBeNull();
        continue;
      }
      expect(e.status).toBe("published");
      expect(e.publishedAt!.toISOString()).toBe(item.isoDate);
      expect(f!.sha256).toBe(item.sha256);
      expect(f!.mimeType).toBe(item.mime);
      expect(e.sizeBytes).toBe(item.bytes);
      // The feed said 120 s or 1:02:03 for some: the file is about two seconds.
      expect(Math.abs((e.durationSeconds ?? 0) - item.seconds)).toBeLessThanOrEqual(1);
    }
    const withExtras = rows.find((r) => r.e.guid === host.items[7]!.guid)!.e;
    expect(withExtras.transcriptFormat).toBe("vtt");
    expect(withExtras.transcript).toContain("Hello from the old host.");
    expect(withExtras.chapters).toEqual([{ startSeconds: 0, title: "Intro" }, { startSeconds: 1.5, title: "Main" }]);
  });

  it("serves the imported show in this app's feed with right lengths and byte ranges", async () => {
    const [p] = await db.select().from(tables.podcasts).where(eq(tables.podcasts.id, podcastId));
    const feedRoute = await import("@/app/p/[slug]/feed.xml/route");
    const res = await feedRoute.GET(new Request(`http://localhost/p/${p!.slug}/feed.xml`), { params: Promise.resolve({ slug: p!.slug }) });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain(`<podcast:guid>${host.podcastGuid}</podcast:guid>`);
    const feed = parseFeed(xml);
    expect(feed.items).toHaveLength(11);
    const audio = await import("@/app/p/[slug]/[episode]/audio.mp3/route");
    for (const item of feed.items) {
      const src = host.items.find((i) => i.guid === item.guid)!;
      expect(item.publishedAt).toBe(src.isoDate);
      expect(item.enclosure!.length).toBe(src.bytes);
      expect(item.enclosure!.type).toBe(src.mime === "audio/mp4" ? "audio/x-m4a" : "audio/mpeg");
      const episodeSlug = new URL(item.enclosure!.url).pathname.split("/")[3]!;
      const ranged = await audio.GET(new Request(item.enclosure!.url, { headers: { range: "bytes=0-99" } }), {
        params: Promise.resolve({ slug: p!.slug, episode: episodeSlug }),
      });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get("content-range")).toBe(`bytes 0-99/${src.bytes}`);
      const whole = await audio.GET(new Request(item.enclosure!.url), { params: Promise.resolve({ slug: p!.slug, episode: episodeSlug }) });
      const bytes = Buffer.from(await whole.arrayBuffer());
      expect(crypto.createHash("sha256").update(bytes).digest("hex")).toBe(src.sha256);
    }
  });

  it("retried the enclosure whose server answered 503 once", () => {
    expect(host.hits.filter((h) => h.startsWith("/flaky/"))).toHaveLength(2);
  });

  it("syncs on re-import: only new GUIDs (and drafts whose audio failed) are fetched, never duplicated", async () => {
    const again = await postImport(alice.token, host.feedUrl);
    expect(again.status).toBe(202);
    expect(again.body.podcastId).toBe(podcastId);
    const done = await finished(alice.token, again.body.id);
    // Nothing new; the draft whose audio 404ed is tried again and still fails.
    expect(done).toMatchObject({ status: "partial", podcastId, episodes: { total: 1, imported: 0, failed: 1, skipped: 11 } });
    const fixed = host.fixMissing();
    const added = host.addItems(2);
    const third = await postImport(alice.token, host.feedUrl);
    const synced = await finished(alice.token, third.body.id);
    expect(synced).toMatchObject({ status: "succeeded", podcastId, episodes: { total: 3, imported: 3, failed: 0, skipped: 11 } });
    const rows = await db
      .select({ g: tables.episodes.guid, status: tables.episodes.status, sha: tables.mediaFiles.sha256 })
      .from(tables.episodes)
      .leftJoin(tables.mediaFiles, eq(tables.mediaFiles.id, tables.episodes.audioFileId))
      .where(eq(tables.episodes.podcastId, podcastId));
    expect(rows).toHaveLength(14);
    expect(new Set(rows.map((r) => r.g)).size).toBe(14);
    for (const it of [fixed, ...added]) expect(rows.find((r) => r.g === it.guid)).toMatchObject({ status: "published", sha: it.sha256 });
  });

  it("lists the user's imports, and another user's import is a 404", async () => {
    const list = await import("@/app/api/v1/imports/route");
    const mine = await call(list.GET, { path: "/api/v1/imports", token: alice.token });
    expect(mine.body.items.map((i: { id: string }) => i.id)).toContain(importId);
    const theirs = await call(list.GET, { path: "/api/v1/imports", token: bob.token });
    expect(theirs.body.items).toEqual([]);
    const probe = await getImport(bob.token, importId);
    expect(probe.status).toBe(404);
    expect(JSON.stringify(probe.body)).not.toContain(host.feedUrl);
  });

  it("says whether the old feed now redirects here (Check redirect)", async () => {
    const { checkOldFeedRedirect } = await import("@/lib/data/imports");
    const base = "https://podcasts.example";
    const before = await checkOldFeedRedirect(alice.viewer, podcastId, base);
    expect(before.ok).toBe(false);
    expect(before.message).toMatch(/still answers HTTP 200/);
    const [p] = await db.select().from(tables.podcasts).where(eq(tables.podcasts.id, podcastId));
    host.setNewFeedUrl(`${base}/p/${p!.slug}/feed.xml`);
    expect((await checkOldFeedRedirect(alice.viewer, podcastId, base)).message).toMatch(/names this feed in <itunes:new-feed-url>/);
    host.setNewFeedUrl(null);
    host.redirectFeedTo(`${base}/p/${p!.slug}/feed.xml`, 302);
    expect((await checkOldFeedRedirect(alice.viewer, podcastId, base)).message).toMatch(/only temporarily/);
    host.redirectFeedTo(`${base}/p/${p!.slug}/feed.xml`, 301);
    const after = await checkOldFeedRedirect(alice.viewer, podcastId, base);
    expect(after).toMatchObject({ ok: true, status: 301 });
    host.redirectFeedTo(null);
    await expect(checkOldFeedRedirect(bob.viewer, podcastId, base)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("refusals", () => {
  it.each([
    ["billionLaughs", /^The feed was refused: it declares XML entities/],
    ["externalEntity", /^The feed was refused: it declares XML entities/],
    ["html", /^This address does not serve a podcast feed: it is a web page/],
    ["atom", /^This address does not serve a podcast feed: it is an Atom feed without audio/],
    ["empty", /^This address does not serve a podcast feed: it has no episodes/],
  ])("fails the import of a hostile or wrong document (%s) with a plain reason", async (name, reason) => {
    const res = await postImport(alice.token, `${host.base}/hostile/${name}`);
    const done = await finished(alice.token, res.body.id, 60_000);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(reason);
    expect(done.error).not.toMatch(/root:|\/bin\/|lollol|stack|Error:/);
    expect(done.podcastId).toBeNull();
  });

  it("refuses other schemes with 422 naming http and https", async () => {
    for (const feedUrl of ["file:///etc/passwd", "ftp://example.org/feed.xml", "not a url"]) {
      const res = await postImport(alice.token, feedUrl);
      expect(res.status).toBe(422);
      expect(res.body.error.fields.feedUrl).toMatch(/http/);
    }
  });

  it("refuses loopback and private addresses without ALLOW_PRIVATE_NETWORK_FETCH", async () => {
    setFlag(false);
    try {
      for (const feedUrl of [host.feedUrl, "http://169.254.169.254/latest/meta-data/", "http://[::1]/feed.xml", "http://10.0.0.1/feed.xml"]) {
        const hitsBefore = host.hits.length;
        const res = await postImport(alice.token, feedUrl);
        expect(res.status).toBe(202);
        const done = await finished(alice.token, res.body.id, 60_000);
        expect(done.status).toBe("failed");
        expect(done.error).toMatch(/^Refused to fetch from .*(loopback|private|link-local|metadata)/);
        expect(host.hits.length).toBe(hitsBefore);
      }
    } finally {
      setFlag(true);
    }
  });

  it("stops at the storage quota with a message that says so, and keeps the rest as drafts", async () => {
    const carol = await makeUser({ name: "Carol" });
    const token = await tokenFor(carol);
    // Room for the cover and a few episodes, not all of them.
    const few = host.items.filter((i) => i.bytes).slice(0, 3).reduce((n, i) => n + i.bytes!, 0);
    process.env.STORAGE_QUOTA_BYTES = String(few + 20_000);
    resetEnvForTests();
    try {
      const res = await postImport(token, host.feedUrl);
      const done = await finished(token, res.body.id);
      expect(done.status).toBe("partial");
      expect(done.episodes.imported).toBeGreaterThan(0);
      const quota = done.errors.filter((e: { message: string }) => /storage quota/.test(e.message));
      expect(quota.length).toBeGreaterThan(0);
      expect(quota[0].message).toMatch(/does not fit in your storage quota.*Delete files you no longer need/);
    } finally {
      delete process.env.STORAGE_QUOTA_BYTES;
      resetEnvForTests();
    }
  });

  it("leaves no podcast behind for failed imports and none for another user", async () => {
    const mine = await db.select({ id: tables.podcasts.id }).from(tables.podcasts).where(eq(tables.podcasts.ownerId, alice.id));
    // (Carol's import made her own copy of the show: the same GUIDs in another account.)
    expect(mine).toHaveLength(1);
    const bobs = await db.select().from(tables.imports).where(and(eq(tables.imports.ownerId, bob.id)));
    expect(bobs).toEqual([]);
  });
});
