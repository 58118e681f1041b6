import { execFileSync } from "node:child_process";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { db, tables } from "@/db";
import { flushDownloads } from "@/lib/analytics";
import { setChapters, setTranscript } from "@/lib/data/episode-extras";
import { updatePodcast } from "@/lib/data/podcasts";
import { captureLogs } from "@/lib/log";
import { call } from "@/tests/api-client";
import { makeEpisode, makePodcast, makePublishedEpisode, makeUser, uploadFromPath } from "@/tests/factories";
import { makeFixtureDir } from "@/tests/media-fixtures";

/**
 * Private shows and supporter-only episodes, through the routes a listener's app and a browser
 * call: each subscriber's feed links only to URLs under their own token, which answer (with byte
 * ranges) until that token is revoked or rotated, while nothing of a private show, and no
 * supporter-only episode, is reachable through any public URL.
 */

vi.mock("next/headers", () => ({ headers: async () => new Headers({ host: "pods.test", "x-forwarded-proto": "http" }) }));

const HOST = "pods.test";
const BASE = `http://${HOST}`;
const APP_UA = "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)";
const media = makeFixtureDir();
afterAll(() => media.cleanup());

type Loaded = Record<string, unknown>;
type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

// Every file route a feed or a page links to, by the shape of its path.
const ROUTES: [RegExp, string[], () => Promise<Loaded>][] = [
  [/^\/s\/([^/]+)\/feed\.xml$/, ["token"], () => import("@/app/s/[token]/feed.xml/route")],
  [/^\/s\/([^/]+)\/cover\.jpg$/, ["token"], () => import("@/app/s/[token]/cover.jpg/route")],
  [/^\/s\/([^/]+)\/cover\.png$/, ["token"], () => import("@/app/s/[token]/cover.png/route")],
  [/^\/s\/([^/]+)\/([^/]+)\/audio\.mp3$/, ["token", "episode"], () => import("@/app/s/[token]/[episode]/audio.mp3/route")],
  [/^\/s\/([^/]+)\/([^/]+)\/audio\.opus$/, ["token", "episode"], () => import("@/app/s/[token]/[episode]/audio.opus/route")],
  [/^\/s\/([^/]+)\/([^/]+)\/cover\.jpg$/, ["token", "episode"], () => import("@/app/s/[token]/[episode]/cover.jpg/route")],
  [/^\/s\/([^/]+)\/([^/]+)\/cover\.png$/, ["token", "episode"], () => import("@/app/s/[token]/[episode]/cover.png/route")],
  [/^\/s\/([^/]+)\/([^/]+)\/chapters\.json$/, ["token", "episode"], () => import("@/app/s/[token]/[episode]/chapters.json/route")],
  [/^\/s\/([^/]+)\/([^/]+)\/transcript\.srt$/, ["token", "episode"], () => import("@/app/s/[token]/[episode]/transcript.srt/route")],
  [/^\/s\/([^/]+)\/([^/]+)\/transcript\.vtt$/, ["token", "episode"], () => import("@/app/s/[token]/[episode]/transcript.vtt/route")],
  [/^\/p\/([^/]+)\/feed\.xml$/, ["slug"], () => import("@/app/p/[slug]/feed.xml/route")],
  [/^\/p\/([^/]+)\/cover\.jpg$/, ["slug"], () => import("@/app/p/[slug]/cover.jpg/route")],
  [/^\/p\/([^/]+)\/cover\.png$/, ["slug"], () => import("@/app/p/[slug]/cover.png/route")],
  [/^\/p\/([^/]+)\/([^/]+)\/audio\.mp3$/, ["slug", "episode"], () => import("@/app/p/[slug]/[episode]/audio.mp3/route")],
  [/^\/p\/([^/]+)\/([^/]+)\/audio\.opus$/, ["slug", "episode"], () => import("@/app/p/[slug]/[episode]/audio.opus/route")],
  [/^\/p\/([^/]+)\/([^/]+)\/cover\.jpg$/, ["slug", "episode"], () => import("@/app/p/[slug]/[episode]/cover.jpg/route")],
  [/^\/p\/([^/]+)\/([^/]+)\/cover\.png$/, ["slug", "episode"], () => import("@/app/p/[slug]/[episode]/cover.png/route")],
  [/^\/p\/([^/]+)\/([^/]+)\/chapters\.json$/, ["slug", "episode"], () => import("@/app/p/[slug]/[episode]/chapters.json/route")],
  [/^\/p\/([^/]+)\/([^/]+)\/transcript\.srt$/, ["slug", "episode"], () => import("@/app/p/[slug]/[episode]/transcript.srt/route")],
  [/^\/p\/([^/]+)\/([^/]+)\/transcript\.vtt$/, ["slug", "episode"], () => import("@/app/p/[slug]/[episode]/transcript.vtt/route")],
  [/^\/p\/([^/]+)\/([^/]+)\/waveform\.json$/, ["slug", "episode"], () => import("@/app/p/[slug]/[episode]/waveform.json/route")],
];

/** GET (or `method`) of one of our URLs through its route handler, as Next would call it. */
async function fetchUrl(url: string, headers: Record<string, string> = {}, method = "GET") {
  const { pathname } = new URL(url);
  for (const [re, names, load] of ROUTES) {
    const m = re.exec(pathname);
    if (!m) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
    const handler = (await load())[method] as RouteHandler;
    const res = await handler(new Request(url, { method, headers: { host: HOST, ...headers } }), { params: Promise.resolve(params) });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }
  throw new Error(`no route for ${url}`);
}

/** Every absolute URL in a feed, with the tag or attribute it sits in. */
function urlsIn(xml: string): string[] {
  return [...xml.matchAll(/(?:url|href)="([^"]+)"|<(?:url|link)>([^<]+)<\//g)].map((m) => (m[1] ?? m[2])!.replace(/&amp;/g, "&"));
}

/** Every string in a rendered server component's tree (props and children), to search it. */
function rendersText(node: unknown): string {
  const seen = new Set<unknown>();
  return JSON.stringify(node, (_key, value: unknown) => {
    if (typeof value === "function" || typeof value === "symbol") return undefined;
    if (value && typeof value === "object") {
      if (seen.has(value)) return undefined;
      seen.add(value);
    }
    return value;
  });
}

const notFoundPage = expect.objectContaining({ digest: expect.stringMatching(/^NEXT_HTTP_ERROR_FALLBACK;404/) });

async function apiToken(user: { email: string; password: string }) {
  const tokens = await import("@/app/api/v1/tokens/route");
  return (await call(tokens.POST, { method: "POST", json: { email: user.email, password: user.password, name: "test" } })).body.token as string;
}

const subscribersRoute = () => import("@/app/api/v1/podcasts/[id]/subscribers/route");

/** A show with a public and a supporter-only episode (covers, transcript, chapters), and two subscribers. */
async function showWithSubscribers(opts: { private: boolean }) {
  const user = await makeUser();
  const token = await apiToken(user);
  const cover = await uploadFromPath(user.viewer, media.png(`cover-${Math.random()}.png`, 1400));
  const podcast = await makePodcast(user.viewer, { title: "Members Show", coverFileId: cover.id, visibility: opts.private ? "private" : "public" });
  const free = await makePublishedEpisode(user.viewer, podcast.id, { title: "Free episode", seconds: 4 });
  const bonus = await makePublishedEpisode(user.viewer, podcast.id, { title: "Supporters' bonus", seconds: 4, access: "subscribers" });
  const draft = await makeEpisode(user.viewer, podcast.id, { title: "Unfinished", access: "subscribers" });
  for (const e of [free, bonus]) {
    await setTranscript(user.viewer, e.id, { format: "vtt", text: "WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n" });
    await setChapters(user.viewer, e.id, [{ startSeconds: 0, title: "Start" }]);
  }
  await db.update(tables.episodes).set({ coverFileId: cover.id }).where(eq(tables.episodes.id, bonus.id));
  const { POST } = await subscribersRoute();
  const add = async (name: string, email: string) => {
    const res = await call(POST, { method: "POST", token, params: { id: podcast.id }, json: { name, email }, headers: { host: HOST } });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string; email: string; feedUrl: string; createdAt: string };
  };
  const ann = await add("Ann", "ann@example.com");
  const bob = await add("Bob", "bob@example.com");
  return { user, token, podcast, free, bonus, draft, ann, bob };
}

const tokenOf = (feedUrl: string) => /\/s\/([^/]+)\/feed\.xml$/.exec(feedUrl)![1]!;

describe("subscriber feeds", () => {
  it("give each subscriber a feed whose every URL is their own, fetchable with ranges, until revoked", async () => {
    const s = await showWithSubscribers({ private: true });
    expect(s.ann.feedUrl).toMatch(/^http:\/\/pods\.test\/s\/[A-Za-z0-9_-]{43}\/feed\.xml$/);
    expect(s.ann.feedUrl).not.toBe(s.bob.feedUrl);

    const feed = await fetchUrl(s.ann.feedUrl);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("content-type")).toMatch(/rss\+xml/);
    expect(feed.headers.get("cache-control")).toMatch(/^private/);
    const xml = feed.body.toString();
    expect(xml).toContain("<itunes:block>yes</itunes:block>");
    expect(xml).toContain("<title>Free episode</title>");
    expect(xml).toContain("<title>Supporters' bonus</title>");
    expect(xml).not.toContain("Unfinished");

    // Every URL in Ann's feed is under her token, and each answers.
    const annPrefix = `${BASE}/s/${tokenOf(s.ann.feedUrl)}/`;
    const urls = urlsIn(xml);
    expect(urls.length).toBeGreaterThanOrEqual(10);
    for (const url of urls) expect(url.startsWith(annPrefix), url).toBe(true);
    const files = urls.filter((u) => !u.endsWith("/feed.xml"));
    expect(files.filter((u) => u.endsWith("/audio.mp3"))).toHaveLength(2);
    expect(files.filter((u) => /transcript\.vtt$/.test(u))).toHaveLength(2);
    expect(files.filter((u) => /chapters\.json$/.test(u))).toHaveLength(2);
    expect(files.filter((u) => /cover\.png$/.test(u)).length).toBeGreaterThanOrEqual(2);
    for (const url of new Set(files)) {
      const res = await fetchUrl(url, { range: "bytes=0-99" });
      expect([200, 206], `${url}: ${res.status}`).toContain(res.status);
      if (url.endsWith("/audio.mp3") || url.endsWith(".png")) {
        expect(res.status, url).toBe(206);
        expect(res.body.length).toBe(100);
        expect(res.headers.get("content-range")).toMatch(/^bytes 0-99\/\d+$/);
      }
    }

    // The file routes log each request; never with the token in it.
    const logs = captureLogs();
    try {
      for (const url of files) await fetchUrl(url);
    } finally {
      logs.restore();
    }
    expect(logs.records().filter((r) => r.msg === "request").length).toBeGreaterThan(0);
    expect(logs.lines.join("\n")).not.toContain(tokenOf(s.ann.feedUrl));

    // Revoking Ann: her feed and every file URL answer 404; Bob's keep working.
    const { DELETE } = await import("@/app/api/v1/podcasts/[id]/subscribers/[subscriberId]/route");
    expect((await call(DELETE, { method: "DELETE", token: s.token, params: { id: s.podcast.id, subscriberId: s.ann.id } })).status).toBe(204);
    expect((await fetchUrl(s.ann.feedUrl)).status).toBe(404);
    for (const url of new Set(files)) expect((await fetchUrl(url)).status, url).toBe(404);
    const bobFeed = await fetchUrl(s.bob.feedUrl);
    expect(bobFeed.status).toBe(200);
    for (const url of new Set(urlsIn(bobFeed.body.toString()))) expect((await fetchUrl(url)).status, url).toBe(200);

    // The list shows Ann revoked, without a URL, and Bob with his.
    const { GET } = await subscribersRoute();
    const list = (await call(GET, { token: s.token, params: { id: s.podcast.id }, headers: { host: HOST } })).body.items as { email: string; feedUrl: string | null; revokedAt: string | null }[];
    expect(list.find((x) => x.email === "ann@example.com")).toMatchObject({ feedUrl: null, revokedAt: expect.any(String) });
    expect(list.find((x) => x.email === "bob@example.com")).toMatchObject({ feedUrl: s.bob.feedUrl, revokedAt: null });
  }, 60_000);

  it("rotation gives a new URL and kills the old one and its files at once (also past a cached feed)", async () => {
    const s = await showWithSubscribers({ private: false });
    const old = await fetchUrl(s.bob.feedUrl);
    expect(old.status).toBe(200);
    const oldAudio = urlsIn(old.body.toString()).find((u) => u.endsWith("/audio.mp3"))!;
    const { POST } = await import("@/app/api/v1/podcasts/[id]/subscribers/[subscriberId]/rotate/route");
    const rotated = await call(POST, { method: "POST", token: s.token, params: { id: s.podcast.id, subscriberId: s.bob.id }, headers: { host: HOST } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.feedUrl).not.toBe(s.bob.feedUrl);
    expect((await fetchUrl(s.bob.feedUrl)).status).toBe(404);
    expect((await fetchUrl(oldAudio)).status).toBe(404);
    const fresh = await fetchUrl(rotated.body.feedUrl);
    expect(fresh.status).toBe(200);
    const newPrefix = `${BASE}/s/${tokenOf(rotated.body.feedUrl)}/`;
    const files = urlsIn(fresh.body.toString()).filter((u) => u.includes("/s/"));
    for (const url of files) expect(url.startsWith(newPrefix), url).toBe(true);
    expect((await fetchUrl(files.find((u) => u.endsWith("/audio.mp3"))!, { range: "bytes=10-19" })).status).toBe(206);
    // Ann was never touched.
    expect((await fetchUrl(s.ann.feedUrl)).status).toBe(200);
  }, 60_000);

  it("note the feed fetch as last seen and count a subscriber's download for them", async () => {
    const s = await showWithSubscribers({ private: true });
    const row = async () => (await db.select().from(tables.podcastSubscribers).where(eq(tables.podcastSubscribers.id, s.ann.id)))[0]!;
    expect((await row()).lastSeenAt).toBeNull();
    const xml = (await fetchUrl(s.ann.feedUrl, { "user-agent": APP_UA })).body.toString();
    expect((await row()).lastSeenAt).toBeInstanceOf(Date);
    const audio = urlsIn(xml).find((u) => u.endsWith("/audio.mp3"))!;
    const res = await fetchUrl(audio, { "user-agent": APP_UA });
    expect(res.status).toBe(200);
    await flushDownloads();
    expect((await row()).downloads).toBe(1);
    const bob = (await db.select().from(tables.podcastSubscribers).where(eq(tables.podcastSubscribers.id, s.bob.id)))[0]!;
    expect(bob.downloads).toBe(0);
  }, 60_000);
});

describe("supporter-only episodes in a public show", () => {
  it("are in every subscriber feed and nowhere public: feed, page, embed, audio, files, oEmbed, sitemap", async () => {
    const s = await showWithSubscribers({ private: false });
    const publicFeed = await fetchUrl(`${BASE}/p/${s.podcast.slug}/feed.xml`);
    expect(publicFeed.status).toBe(200);
    const pub = publicFeed.body.toString();
    expect(pub).toContain("Free episode");
    expect(pub).not.toContain("Supporters' bonus");
    expect(pub).not.toContain(s.bonus.slug);
    expect(pub).not.toContain("itunes:block");
    for (const sub of [s.ann, s.bob]) {
      const xml = (await fetchUrl(sub.feedUrl)).body.toString();
      expect(xml).toContain("Supporters' bonus");
      // The free episode links its public page; the bonus has none.
      expect(xml).toContain(`<link>${BASE}/p/${s.podcast.slug}/${s.free.slug}</link>`);
      expect(xml).not.toContain(`${BASE}/p/${s.podcast.slug}/${s.bonus.slug}`);
    }

    const { loadEpisode } = await import("@/app/p/load");
    await expect(loadEpisode(s.podcast.slug, s.bonus.slug)).rejects.toEqual(notFoundPage);
    expect((await loadEpisode(s.podcast.slug, s.free.slug)).episode.id).toBe(s.free.id);
    const embed = (await import("@/app/p/[slug]/[episode]/embed/page")).default;
    await expect(embed({ params: Promise.resolve({ slug: s.podcast.slug, episode: s.bonus.slug }), searchParams: Promise.resolve({}) } as never)).rejects.toEqual(notFoundPage);
    for (const file of ["audio.mp3", "transcript.vtt", "transcript.srt", "chapters.json", "cover.png", "waveform.json"]) {
      expect((await fetchUrl(`${BASE}/p/${s.podcast.slug}/${s.bonus.slug}/${file}`)).status, file).toBe(404);
    }
    expect((await fetchUrl(`${BASE}/p/${s.podcast.slug}/${s.free.slug}/audio.mp3`)).status).toBe(200);

    const oembed = (await import("@/app/api/oembed/route")).GET;
    const ask = (url: string) => call(oembed, { path: `/api/oembed?url=${encodeURIComponent(url)}&format=json`, headers: { host: HOST } });
    expect((await ask(`${BASE}/p/${s.podcast.slug}/${s.bonus.slug}`)).status).toBe(404);
    expect((await ask(`${BASE}/p/${s.podcast.slug}/${s.free.slug}`)).status).toBe(200);
    const show = await ask(`${BASE}/p/${s.podcast.slug}`);
    expect(JSON.stringify(show.body)).not.toContain(s.bonus.slug);

    const sitemap = (await (await import("@/app/sitemap")).default()).map((e) => e.url);
    expect(sitemap).toContain(`${BASE}/p/${s.podcast.slug}/${s.free.slug}`);
    expect(sitemap.filter((u) => u.includes(s.bonus.slug))).toEqual([]);

    const showPage = (await import("@/app/p/[slug]/page")).default;
    const rendered = rendersText(await showPage({ params: Promise.resolve({ slug: s.podcast.slug }) }));
    expect(rendered).toContain(s.free.slug); // the episode list and its JSON-LD are in the tree…
    expect(rendered).not.toContain(s.bonus.slug); // …without the bonus
  }, 60_000);
});

describe("the Opus rendition of a supporter-only episode", () => {
  it("is in the subscriber's feed at their own URL (ranges, 404 once revoked), never at the public one", async () => {
    const s = await showWithSubscribers({ private: false });
    const opusPath = media.dir + "/rendition.opus";
    execFileSync(ffmpegInstaller.path, ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=d=4", "-ar", "48000", "-c:a", "libopus", "-b:a", "48k", "-f", "ogg", opusPath]);
    const opus = await uploadFromPath(s.user.viewer, opusPath);
    await db.update(tables.episodes).set({ opusFileId: opus.id }).where(inArray(tables.episodes.id, [s.free.id, s.bonus.id]));
    await updatePodcast(s.user.viewer, s.podcast.id, { description: "Renditions on" }); // a feed-changing write: new feed version

    expect((await fetchUrl(`${BASE}/p/${s.podcast.slug}/${s.free.slug}/audio.opus`)).status).toBe(200);
    expect((await fetchUrl(`${BASE}/p/${s.podcast.slug}/${s.bonus.slug}/audio.opus`)).status).toBe(404);
    expect((await fetchUrl(`${BASE}/p/${s.podcast.slug}/feed.xml`)).body.toString()).not.toContain(`${s.bonus.slug}/audio.opus`);

    const token = tokenOf(s.ann.feedUrl);
    const xml = (await fetchUrl(s.ann.feedUrl)).body.toString();
    const bonusOpus = `${BASE}/s/${token}/${s.bonus.slug}/audio.opus`;
    expect(xml).toContain(`<podcast:source uri="${bonusOpus}"`);
    expect(xml).not.toContain("/p/" + s.podcast.slug + "/" + s.free.slug + "/audio.opus");
    const ranged = await fetchUrl(bonusOpus, { range: "bytes=0-99" });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-type")).toBe("audio/ogg");
    expect(ranged.body.length).toBe(100);

    const { DELETE } = await import("@/app/api/v1/podcasts/[id]/subscribers/[subscriberId]/route");
    expect((await call(DELETE, { method: "DELETE", token: s.token, params: { id: s.podcast.id, subscriberId: s.ann.id } })).status).toBe(204);
    expect((await fetchUrl(bonusOpus)).status).toBe(404);
    expect((await fetchUrl(`${BASE}/s/${tokenOf(s.bob.feedUrl)}/${s.bonus.slug}/audio.opus`, { range: "bytes=0-99" })).status).toBe(206);

    await updatePodcast(s.user.viewer, s.podcast.id, { opusRendition: false });
    expect((await fetchUrl(`${BASE}/s/${tokenOf(s.bob.feedUrl)}/${s.bonus.slug}/audio.opus`)).status).toBe(404);
    expect((await fetchUrl(s.bob.feedUrl)).body.toString()).not.toContain("audio.opus");
  }, 60_000);
});

describe("a private show", () => {
  it("leaks nothing through any public URL: pages, feed, cover, audio, transcript, chapters, waveform, embed, oEmbed, sitemap, JSON-LD", async () => {
    const s = await showWithSubscribers({ private: false });
    const slug = s.podcast.slug;
    const publicUrls = [
      `${BASE}/p/${slug}/feed.xml`,
      `${BASE}/p/${slug}/cover.png`,
      ...[s.free, s.bonus].flatMap((e) =>
        ["audio.mp3", "cover.png", "chapters.json", "transcript.srt", "transcript.vtt", "waveform.json"].map((f) => `${BASE}/p/${slug}/${e.slug}/${f}`),
      ),
    ];
    // While public, the free episode's files answer (so the 404s below are the privacy, not a broken fixture).
    expect((await fetchUrl(`${BASE}/p/${slug}/feed.xml`)).status).toBe(200);
    expect((await fetchUrl(`${BASE}/p/${slug}/cover.png`)).status).toBe(200);
    expect((await fetchUrl(`${BASE}/p/${slug}/${s.free.slug}/audio.mp3`)).status).toBe(200);
    expect((await fetchUrl(`${BASE}/p/${slug}/${s.free.slug}/chapters.json`)).status).toBe(200);

    await updatePodcast(s.user.viewer, s.podcast.id, { visibility: "private" });
    const { GET } = await import("@/app/api/v1/podcasts/[id]/route");
    expect((await call(GET, { token: s.token, params: { id: s.podcast.id } })).body.visibility).toBe("private");

    for (const url of publicUrls) {
      for (const method of ["GET", "HEAD"]) {
        const res = await fetchUrl(url, {}, method).catch(() => fetchUrl(url));
        expect(res.status, `${method} ${url}`).toBe(404);
        expect(res.body.toString()).not.toContain("Members Show");
      }
    }
    const { loadEpisode, loadPodcast } = await import("@/app/p/load");
    await expect(loadPodcast(slug)).rejects.toEqual(notFoundPage);
    for (const e of [s.free, s.bonus]) await expect(loadEpisode(slug, e.slug)).rejects.toEqual(notFoundPage);
    const showPage = (await import("@/app/p/[slug]/page")).default;
    await expect(showPage({ params: Promise.resolve({ slug }) })).rejects.toEqual(notFoundPage);
    const episodePage = (await import("@/app/p/[slug]/[episode]/page")).default;
    await expect(episodePage({ params: Promise.resolve({ slug, episode: s.free.slug }) })).rejects.toEqual(notFoundPage);
    const embed = (await import("@/app/p/[slug]/[episode]/embed/page")).default;
    await expect(embed({ params: Promise.resolve({ slug, episode: s.free.slug }), searchParams: Promise.resolve({}) } as never)).rejects.toEqual(notFoundPage);

    const oembed = (await import("@/app/api/oembed/route")).GET;
    for (const page of [`${BASE}/p/${slug}`, `${BASE}/p/${slug}/${s.free.slug}`, `${BASE}/p/${slug}/${s.free.slug}/embed`]) {
      const res = await call(oembed, { path: `/api/oembed?url=${encodeURIComponent(page)}&format=json`, headers: { host: HOST } });
      expect(res.status, page).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain("Members Show");
    }
    const sitemap = (await (await import("@/app/sitemap")).default()).map((e) => e.url);
    expect(sitemap.filter((u) => u.includes(`/p/${slug}`))).toEqual([]);

    // Its subscribers still get everything.
    const xml = (await fetchUrl(s.ann.feedUrl)).body.toString();
    expect(xml).toContain("Free episode");
    expect(xml).toContain("Supporters' bonus");
    expect(xml).not.toContain(`${BASE}/p/`); // no links to public pages that do not exist
  }, 60_000);
});

describe("subscriber API", () => {
  it("imports a CSV: header optional, duplicates by e-mail skipped and counted, bad lines reported by number", async () => {
    const s = await showWithSubscribers({ private: true });
    const { POST } = await import("@/app/api/v1/podcasts/[id]/subscribers/import/route");
    const csv = [
      "name,email",
      "Cara,cara@example.com",
      '"Dee, Jr.",DEE@example.com',
      "Ann again,ann@example.com", // already a subscriber
      "Cara twice,cara@example.com", // repeated in the file
      "No address,not-an-email",
      "Too,many,columns",
      "",
      "Eve,eve@example.com",
    ].join("\r\n");
    const res = await call(POST, { method: "POST", token: s.token, params: { id: s.podcast.id }, body: csv, headers: { "content-type": "text/csv" } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      created: 3,
      skipped: 2,
      errors: [
        { line: 6, message: "Enter a valid e-mail address." },
        { line: 7, message: "Expected 2 columns (name,email), found 3." },
      ],
    });
    const { GET } = await subscribersRoute();
    const list = (await call(GET, { token: s.token, params: { id: s.podcast.id } })).body.items as { name: string; email: string; feedUrl: string }[];
    expect(list.map((x) => x.email).sort()).toEqual(["ann@example.com", "bob@example.com", "cara@example.com", "dee@example.com", "eve@example.com"]);
    expect(list.find((x) => x.email === "dee@example.com")?.name).toBe("Dee, Jr.");
    expect(new Set(list.map((x) => x.feedUrl)).size).toBe(5);
    // Imported subscribers' feeds work like any other.
    expect((await fetchUrl(list.find((x) => x.email === "eve@example.com")!.feedUrl.replace(/^http:\/\/[^/]+/, BASE))).status).toBe(200);

    expect((await call(POST, { method: "POST", token: s.token, params: { id: s.podcast.id }, json: {} })).status).toBe(415);
  }, 60_000);

  it("refuses a duplicate address (409) and bad fields (422); visibility and access are in the resources", async () => {
    const s = await showWithSubscribers({ private: false });
    const { POST } = await subscribersRoute();
    const dup = await call(POST, { method: "POST", token: s.token, params: { id: s.podcast.id }, json: { name: "Ann", email: "ANN@example.com" } });
    expect(dup.status).toBe(409);
    const bad = await call(POST, { method: "POST", token: s.token, params: { id: s.podcast.id }, json: { name: "", email: "nope" } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["email", "name"]);

    const podcastRoute = await import("@/app/api/v1/podcasts/[id]/route");
    expect((await call(podcastRoute.GET, { token: s.token, params: { id: s.podcast.id } })).body.visibility).toBe("public");
    const patched = await call(podcastRoute.PATCH, { method: "PATCH", token: s.token, params: { id: s.podcast.id }, json: { visibility: "private" } });
    expect(patched.status).toBe(200);
    expect(patched.body.visibility).toBe("private");
    expect((await call(podcastRoute.PATCH, { method: "PATCH", token: s.token, params: { id: s.podcast.id }, json: { visibility: "hidden" } })).status).toBe(422);

    const episodeRoute = await import("@/app/api/v1/episodes/[id]/route");
    expect((await call(episodeRoute.GET, { token: s.token, params: { id: s.bonus.id } })).body.access).toBe("subscribers");
    const opened = await call(episodeRoute.PATCH, { method: "PATCH", token: s.token, params: { id: s.bonus.id }, json: { access: "public" } });
    expect(opened.body.access).toBe("public");
    const episodes = await import("@/app/api/v1/podcasts/[id]/episodes/route");
    const created = await call(episodes.POST, { method: "POST", token: s.token, params: { id: s.podcast.id }, json: { title: "Bonus two", access: "subscribers" } });
    expect(created.status).toBe(201);
    expect(created.body.access).toBe("subscribers");
  }, 60_000);
});
