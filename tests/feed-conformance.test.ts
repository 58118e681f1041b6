import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { eq } from "drizzle-orm";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parseFeed } from "podcast-partytime";
import Parser from "rss-parser";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { GET as chaptersRoute } from "@/app/p/[slug]/[episode]/chapters.json/route";
import { GET as feedRoute } from "@/app/p/[slug]/feed.xml/route";
import { GET as subscriberFeedRoute } from "@/app/s/[token]/feed.xml/route";
import { db, tables } from "@/db";
import { APPLE_CATEGORIES } from "@/lib/apple-categories";
import { setChapters, setTranscript } from "@/lib/data/episode-extras";
import { updateEpisode } from "@/lib/data/episodes";
import { updatePodcast } from "@/lib/data/podcasts";
import { completeProcessing, opusKeyFor, storeProcessingOutput } from "@/lib/data/processing";
import { publishEpisode, unpublishEpisode } from "@/lib/data/publishing";
import { createSubscriber } from "@/lib/data/subscribers";
import { resetEnvForTests } from "@/lib/env";
import { updateEpisodeSchema } from "@/lib/validation/episode";
import { makeEpisode, makePodcast, makePublishedEpisode, makeUser, uploadFromPath } from "@/tests/factories";
import { makeFixtureDir } from "@/tests/media-fixtures";

/**
 * The feed as independent checkers read it (an XML 1.0 well-formedness check, Podcast Index's
 * podcast-partytime, rss-parser, Apple's and the namespace's rules), with every feature on at
 * once and Unicode everywhere, through the route handlers a podcast app calls.
 */

const HOST = "pods.example";
const BASE = `https://${HOST}`;
const HUBS = ["https://pubsubhubbub.appspot.com/", "https://hub.example/?a=1&b=2"];
// Emoji (ZWJ sequence, variation selector), RTL, combining marks, XML's specials, a CDATA end,
// and characters XML 1.0 forbids (which must vanish, not break the document).
const WEIRD = "🎙️👩🏽‍💻 שלום عربي e\u0301n\u0303 & <b>x</b> ]]> \"q\" 'a'";
const FORBIDDEN = "\u0001\u001f\uffff";

const media = makeFixtureDir();
afterAll(() => media.cleanup());
afterEach(() => {
  delete process.env.WEBSUB_HUB_URL;
  delete process.env.PUBLIC_URL;
  resetEnvForTests();
});

function encode(seconds: number, codec: "mp3" | "opus") {
  const file = path.join(os.tmpdir(), `pp-conformance-${crypto.randomUUID()}.${codec}`);
  const out = codec === "mp3" ? ["-c:a", "libmp3lame", "-b:a", "96k"] : ["-ar", "48000", "-c:a", "libopus", "-b:a", "48k", "-f", "ogg"];
  execFileSync(ffmpegInstaller.path, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", `sine=frequency=${300 + Math.floor(Math.random() * 500)}:duration=${seconds}`, "-ac", "1", ...out, file]);
  const data = fs.readFileSync(file);
  return { file, data, sha256: crypto.createHash("sha256").update(data).digest("hex") };
}

/** Processes a published episode again, as mastering does: a new MP3 and an Opus rendition. */
async function reprocess(ownerId: string, episodeId: string) {
  const id = crypto.randomUUID();
  const now = new Date();
  await db.insert(tables.episodeProcessing).values({ id, episodeId, ownerId, status: "running", progress: 0, step: "master", options: {}, createdAt: now, updatedAt: now });
  const mp3 = encode(8, "mp3");
  const opus = encode(8, "opus");
  const key = (await storeProcessingOutput(id, mp3.file, { opus: opus.file }))!;
  await completeProcessing(id, { key, sha256: mp3.sha256, sizeBytes: mp3.data.length, durationSeconds: 8, stats: {}, waveform: null, opus: { key: opusKeyFor(id), sha256: opus.sha256, sizeBytes: opus.data.length, channels: 1 } });
  return mp3.data.length;
}

async function getFeed(slug: string, headers: Record<string, string> = {}) {
  const url = `${BASE}/p/${slug}/feed.xml`;
  const res = await feedRoute(new Request(url, { headers: { host: HOST, "x-forwarded-proto": "https", ...headers } }), { params: Promise.resolve({ slug }) });
  return { url, res, xml: await res.text() };
}

interface Element {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: Element[];
}

type Node = Record<string, unknown> & { ":@"?: Record<string, string> };

/**
 * The document checked for XML 1.0 well-formedness (fast-xml-parser's validator: tags, attribute
 * quoting, entities), then read as a tree with every prefix checked against the declared
 * namespaces; throws on the first problem.
 */
function strictParse(xml: string): Element {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed: ${JSON.stringify(valid.err)}`);
  // The validator lets a bare "&" through in attribute values; XML 1.0 does not (no DTD here,
  // so only the predefined entities and character references exist).
  const outsideCdata = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "");
  const bareAmpersand = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(outsideCdata);
  if (bareAmpersand) throw new Error(`not well-formed: a bare "&" at ${outsideCdata.slice(bareAmpersand.index, bareAmpersand.index + 20)}`);
  const nodes = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "", parseTagValue: false, parseAttributeValue: false, trimValues: false, cdataPropName: "#cdata", processEntities: true, htmlEntities: false }).parse(xml) as Node[];
  const toElement = (name: string, node: Node): Element => {
    const el: Element = { name, attrs: { ...(node[":@"] ?? {}) }, text: "", children: [] };
    for (const child of node[name] as Node[]) {
      const key = Object.keys(child).find((k) => k !== ":@")!;
      if (key === "#text") el.text += String(child[key]);
      else if (key === "#cdata") el.text += (child[key] as Node[]).map((t) => String(t["#text"] ?? "")).join("");
      else el.children.push(toElement(key, child));
    }
    return el;
  };
  const root: Element = { name: "#document", attrs: {}, text: "", children: nodes.filter((n) => !("?xml" in n)).map((n) => toElement(Object.keys(n).find((k) => k !== ":@")!, n)) };
  const declared = new Set(Object.keys(root.children[0]?.attrs ?? {}).filter((a) => a.startsWith("xmlns:")).map((a) => a.slice(6)));
  for (const el of walk(root)) {
    for (const name of [el.name, ...Object.keys(el.attrs)]) {
      const prefix = name.includes(":") ? name.split(":")[0]! : null;
      if (prefix && prefix !== "xmlns" && !declared.has(prefix)) throw new Error(`undeclared namespace prefix in ${name}`);
    }
  }
  return root;
}

const all = (el: Element, name: string): Element[] => el.children.filter((c) => c.name === name);
const one = (el: Element, name: string): Element => {
  const found = all(el, name);
  expect(found, `exactly one <${name}> in <${el.name}>`).toHaveLength(1);
  return found[0]!;
};
function* walk(el: Element): Generator<Element> {
  yield el;
  for (const c of el.children) yield* walk(c);
}

const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// Elements that hold only children (or nothing, with attributes); every other element has text.
const CONTAINERS = new Set(["rss", "channel", "item", "image", "itunes:owner", "podcast:podroll", "podcast:alternateEnclosure"]);

/** The rules every feed of ours must meet, whoever it is for; returns the channel. */
function checkFeed(xml: string, selfUrl: string) {
  // Only characters XML 1.0 allows.
  expect(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(xml)).toBe(false);
  const doc = strictParse(xml);
  const rss = one(doc, "rss");
  expect(rss.attrs.version).toBe("2.0");
  const channel = one(rss, "channel");

  // Apple's required channel tags (and RSS 2.0's).
  for (const tag of ["title", "link", "description", "language", "itunes:author", "itunes:explicit", "itunes:image", "itunes:category", "itunes:owner"]) {
    expect(all(channel, tag).length, tag).toBeGreaterThan(0);
  }
  expect(["true", "false"]).toContain(one(channel, "itunes:explicit").text);
  expect(one(channel, "itunes:image").attrs.href).toMatch(/^https:\/\/.+\.(jpg|png)$/);
  expect(one(one(channel, "itunes:owner"), "itunes:email").text).toMatch(/^[^@\s]+@[^@\s]+$/);
  for (const cat of all(channel, "itunes:category")) {
    const subs = APPLE_CATEGORIES[cat.attrs.text!];
    expect(subs, cat.attrs.text).toBeDefined();
    for (const sub of all(cat, "itunes:category")) expect(subs).toContain(sub.attrs.text);
  }
  expect(one(channel, "podcast:guid").text).toMatch(UUID);
  expect(["yes", "no"]).toContain(one(channel, "podcast:locked").text);
  const self = all(channel, "atom:link").filter((l) => l.attrs.rel === "self");
  expect(self.map((l) => l.attrs.href)).toEqual([selfUrl]);
  expect(one(channel, "lastBuildDate").text).toMatch(RFC_2822);

  // No empty tags: each element has text, attributes or children (the namespace's soundbite
  // without a title, with its attributes, is the one allowed to be empty).
  for (const el of walk(channel)) {
    if (CONTAINERS.has(el.name)) continue;
    expect(el.text.trim() !== "" || Object.keys(el.attrs).length > 0, `<${el.name}> is empty`).toBe(true);
  }

  const items = all(channel, "item");
  const guids = items.map((i) => one(i, "guid").text);
  expect(new Set(guids).size).toBe(guids.length);
  const dates = items.map((i) => one(i, "pubDate").text);
  for (const d of dates) expect(d).toMatch(RFC_2822);
  const times = dates.map((d) => Date.parse(d));
  expect([...times].sort((a, b) => b - a)).toEqual(times); // newest first
  if (times.length) expect(Date.parse(one(channel, "lastBuildDate").text)).toBeGreaterThanOrEqual(times[0]!);
  for (const item of items) {
    expect(one(item, "title").text.trim()).not.toBe("");
    const enc = one(item, "enclosure").attrs;
    expect(enc.url).toMatch(/^https:\/\//);
    expect(enc.length).toMatch(/^[1-9]\d*$/);
    expect(["audio/mpeg", "audio/x-m4a", "audio/aac"]).toContain(enc.type);
    expect(one(item, "itunes:duration").text).toMatch(/^\d+$/);
    expect(["full", "trailer", "bonus"]).toContain(one(item, "itunes:episodeType").text);
    for (const tag of ["itunes:episode", "itunes:season"]) for (const n of all(item, tag)) expect(n.text).toMatch(/^[1-9]\d*$/);
    for (const t of all(item, "podcast:transcript")) expect(["text/vtt", "application/x-subrip"]).toContain(t.attrs.type);
    for (const c of all(item, "podcast:chapters")) expect(c.attrs.type).toBe("application/json+chapters");
    // Notes are sanitized HTML: nothing that runs.
    for (const tag of ["description", "content:encoded"]) {
      for (const d of all(item, tag)) expect(d.text).not.toMatch(/<script|<img|javascript:|\son\w+=/i);
    }
  }
  return { channel, items };
}

describe("feed conformance", () => {
  it("meets Apple's and Podcasting 2.0's rules with every feature on, Unicode everywhere", async () => {
    process.env.WEBSUB_HUB_URL = HUBS.join(",");
    process.env.PUBLIC_URL = BASE;
    resetEnvForTests();
    const user = await makeUser();
    const cover = await uploadFromPath(user.viewer, media.png("cover.png", 1400));
    const podcast = await makePodcast(user.viewer, {
      title: `Show ${WEIRD}${FORBIDDEN}`,
      description: `## About\n\n**Bold** ${WEIRD} <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com/?a=1&b=2)\n\n<img src=x onerror=alert(1)>`,
      author: `Author ${WEIRD}`,
      ownerName: `Owner ${WEIRD}`,
      ownerEmail: "owner@example.com",
      language: "he",
      category: "Society & Culture",
      subcategory: "Documentary",
      explicit: true,
      type: "serial",
      copyright: WEIRD,
      coverFileId: cover.id,
      enclosurePrefix: "https://op3.dev/e/",
      funding: [{ url: "https://ko-fi.com/show?a=1&b=2", label: `Support ${WEIRD}` }],
      persons: [{ name: `Host ${WEIRD}`, role: "host", img: "https://example.com/a.jpg?a=1&b=2" }],
      podroll: [{ feedUrl: "https://feeds.example.com/other.xml" }],
      txt: [{ purpose: "verify", value: WEIRD }],
      location: { name: `Tel Aviv ${WEIRD}`, geo: "geo:32.08,34.78" },
    });
    await db.update(tables.podcasts).set({ newFeedUrl: "https://new.example.com/feed.xml?a=1&b=2" }).where(eq(tables.podcasts.id, podcast.id));

    const trailer = await makePublishedEpisode(user.viewer, podcast.id, { title: `Trailer ${WEIRD}`, episodeType: "trailer", seasonNumber: 1, publishedAt: new Date("2026-01-01T10:00:00Z") });
    const full = await makePublishedEpisode(user.viewer, podcast.id, {
      title: `Full ${WEIRD}${FORBIDDEN}`,
      description: `Notes ${WEIRD}${FORBIDDEN}\n\n<script>x</script>`,
      seasonNumber: 1,
      episodeNumber: 1,
      explicit: true,
      publishedAt: new Date("2026-01-08T10:00:00Z"),
    });
    const bonus = await makePublishedEpisode(user.viewer, podcast.id, { title: `Bonus ${WEIRD}`, episodeType: "bonus", seasonNumber: 1, description: "", publishedAt: new Date("2026-01-09T10:00:00Z") });
    const supporters = await makePublishedEpisode(user.viewer, podcast.id, { title: "For supporters", access: "subscribers", publishedAt: new Date("2026-01-10T10:00:00Z") });
    const scheduled = await makePublishedEpisode(user.viewer, podcast.id, { title: "Scheduled for later" });
    await unpublishEpisode(user.viewer, scheduled.id);
    await publishEpisode(user.viewer, scheduled.id, new Date(Date.now() + 3_600_000));
    const unpublished = await makePublishedEpisode(user.viewer, podcast.id, { title: "Taken down" });
    await unpublishEpisode(user.viewer, unpublished.id);
    await makeEpisode(user.viewer, podcast.id, { title: "Still a draft" });

    const first = await getFeed(podcast.slug);
    const guidsBefore = parseFeed(first.xml)!.items.map((i) => i.guid);

    // Edits and a new master (with an Opus rendition) keep every GUID.
    const newLength = await reprocess(user.id, full.id);
    await db.update(tables.episodes).set({ coverFileId: cover.id }).where(eq(tables.episodes.id, full.id));
    await setTranscript(user.viewer, full.id, { format: "vtt", text: `WEBVTT\n\n00:00.000 --> 00:01.000\n${WEIRD}\n` });
    await setTranscript(user.viewer, bonus.id, { format: "srt", text: `1\n00:00:00,000 --> 00:00:01,000\n${WEIRD}\n` });
    await setChapters(user.viewer, full.id, [{ startSeconds: 0, title: `Start ${WEIRD}` }, { startSeconds: 2.5, title: "Middle" }]);
    await updateEpisode(user.viewer, full.id, updateEpisodeSchema.parse({ title: `Full, renamed ${WEIRD}`, persons: [{ name: `Guest ${WEIRD}`, role: "guest" }], soundbites: [{ startTime: 1.5, duration: 3, title: `Bite ${WEIRD}` }, { startTime: 2, duration: 1 }] }));

    const { url, res, xml } = await getFeed(podcast.slug);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    const { channel, items } = checkFeed(xml, url);

    // What is in it: published public episodes only, newest first, same GUIDs as before the edits.
    const feed = parseFeed(xml)!;
    expect(feed.items.map((i) => i.guid)).toEqual([bonus.guid, full.guid, trailer.guid]);
    expect(feed.items.map((i) => i.guid)).toEqual(guidsBefore);
    expect(xml).not.toMatch(/For supporters|Scheduled for later|Taken down|Still a draft/);
    expect(xml).not.toContain(supporters.guid);

    // Unicode survives, forbidden characters are gone, escapes are undone by every parser.
    expect(feed.title).toBe(`Show ${WEIRD}`);
    expect(feed.items[1]!.title).toBe(`Full, renamed ${WEIRD}`);
    expect(feed.items[0]!.description).toBe(`Bonus ${WEIRD}`); // no notes: the title, in CDATA
    expect(feed.author).toBe(`Author ${WEIRD}`);
    expect(feed.owner).toEqual({ name: `Owner ${WEIRD}`, email: "owner@example.com" });
    expect(feed.copyright).toBe(WEIRD);
    expect(feed.itunesCategory).toEqual(["Society & Culture > Documentary"]);
    expect(feed.explicit).toBe(true);
    expect(feed.itunesType).toBe("serial");
    expect(feed.itunesNewFeedUrl).toBe("https://new.example.com/feed.xml?a=1&b=2");
    expect(feed.pubsub).toMatchObject({ self: url, hub: HUBS[0] });
    expect(all(channel, "atom:link").filter((l) => l.attrs.rel === "hub").map((l) => l.attrs.href)).toEqual(HUBS);
    expect(feed.podcastFunding).toEqual([{ url: "https://ko-fi.com/show?a=1&b=2", message: `Support ${WEIRD}` }]);
    expect(feed.podcastPeople).toEqual([{ name: `Host ${WEIRD}`, role: "Host", group: "Cast", img: "https://example.com/a.jpg?a=1&b=2" }]);
    expect(feed.podcastTxt).toEqual([{ purpose: "verify", value: WEIRD }]);
    expect(feed.podcastLocation).toEqual({ name: `Tel Aviv ${WEIRD}`, geo: "geo:32.08,34.78" });
    expect(feed.podroll).toHaveLength(1);

    const [bonusItem, fullItem, trailerItem] = feed.items;
    expect(bonusItem).toMatchObject({ itunesEpisodeType: "bonus", itunesSeason: 1 });
    expect(trailerItem).toMatchObject({ itunesEpisodeType: "trailer", itunesSeason: 1 });
    expect(fullItem).toMatchObject({ itunesEpisodeType: "full", itunesSeason: 1, itunesEpisode: 1, explicit: true, duration: 8 });
    expect(fullItem!.enclosure).toEqual({ url: `https://op3.dev/e/${HOST}/p/${podcast.slug}/${full.slug}/audio.mp3`, length: newLength, type: "audio/mpeg" });
    expect(fullItem!.alternativeEnclosures!.map((a) => [a.type, a.default, a.source[0]!.uri])).toEqual([
      ["audio/mpeg", true, `https://op3.dev/e/${HOST}/p/${podcast.slug}/${full.slug}/audio.mp3`],
      ["audio/opus", false, `https://op3.dev/e/${HOST}/p/${podcast.slug}/${full.slug}/audio.opus`],
    ]);
    expect(fullItem!.podcastTranscripts!.map((t) => t.url)).toEqual([`${BASE}/p/${podcast.slug}/${full.slug}/transcript.vtt`]);
    expect(items.flatMap((i) => all(i, "podcast:transcript").map((t) => t.attrs.type))).toEqual(["application/x-subrip", "text/vtt"]);
    expect(fullItem!.podcastChapters).toEqual({ url: `${BASE}/p/${podcast.slug}/${full.slug}/chapters.json`, type: "application/json+chapters" });
    expect(fullItem!.podcastPeople).toEqual([{ name: `Guest ${WEIRD}`, role: "Guest", group: "Cast" }]);
    expect(fullItem!.podcastSoundbites!.map((b) => [b.startTime, b.duration])).toEqual([[1.5, 3], [2, 1]]);
    expect(fullItem!.content).not.toContain("\u0001");
    expect(fullItem!.content).toContain("Notes 🎙️");

    // A second, independent parser agrees.
    const other = await new Parser().parseString(xml);
    expect(other.title).toBe(`Show ${WEIRD}`);
    expect(other.items.map((i) => i.guid)).toEqual([bonus.guid, full.guid, trailer.guid]);

    // The chapters file the feed points at: version 1.2.0, numeric start times, its own type.
    const chapters = await chaptersRoute(new Request(fullItem!.podcastChapters!.url, { headers: { host: HOST } }), { params: Promise.resolve({ slug: podcast.slug, episode: full.slug }) });
    expect(chapters.headers.get("content-type")).toBe("application/json+chapters");
    expect(chapters.headers.get("access-control-allow-origin")).toBe("*");
    expect(await chapters.json()).toEqual({ version: "1.2.0", chapters: [{ startTime: 0, title: `Start ${WEIRD}` }, { startTime: 2.5, title: "Middle" }] });

    // Conditional requests: 304 on the ETag (strong or weak form) and on the date.
    const etag = res.headers.get("etag")!;
    expect((await getFeed(podcast.slug, { "if-none-match": etag })).res.status).toBe(304);
    expect((await getFeed(podcast.slug, { "if-none-match": `W/${etag}` })).res.status).toBe(304);
    expect((await getFeed(podcast.slug, { "if-modified-since": res.headers.get("last-modified")! })).res.status).toBe(304);

    // The checks themselves notice a broken feed: an empty tag, a forbidden character, a
    // duplicate GUID, an unescaped ampersand.
    expect(() => checkFeed(xml.replace(/<itunes:author>[^<]*<\/itunes:author>/, "<itunes:author/>"), url)).toThrow(/empty/);
    expect(() => checkFeed(xml.replace("<title>", "<title>\u0001"), url)).toThrow();
    expect(() => checkFeed(xml.replace(full.guid, bonus.guid), url)).toThrow();
    expect(() => checkFeed(xml.replace("&amp;", "&"), url)).toThrow(/well-formed/);

    // Made private: no public feed; a subscriber's feed says itunes:block, announces no hub and
    // no move, carries the supporters' episode, and everything else holds there too.
    await updatePodcast(user.viewer, podcast.id, { visibility: "private" });
    expect((await getFeed(podcast.slug)).res.status).toBe(404);
    const subscriber = await createSubscriber(user.viewer, podcast.id, { name: "Ann", email: "ann@example.com" }, BASE);
    const token = /\/s\/([^/]+)\/feed\.xml$/.exec(subscriber.feedUrl!)![1]!;
    const sres = await subscriberFeedRoute(new Request(subscriber.feedUrl!, { headers: { host: HOST, "x-forwarded-proto": "https" } }), { params: Promise.resolve({ token }) });
    const sxml = await sres.text();
    const sub = checkFeed(sxml, subscriber.feedUrl!);
    expect(one(sub.channel, "itunes:block").text).toBe("yes");
    expect(all(sub.channel, "atom:link").filter((l) => l.attrs.rel === "hub")).toEqual([]);
    expect(all(sub.channel, "itunes:new-feed-url")).toEqual([]);
    expect(one(sub.channel, "podcast:guid").text).toBe(feed.guid);
    const sfeed = parseFeed(sxml)!;
    expect(sfeed.items.map((i) => i.guid)).toEqual([supporters.guid, bonus.guid, full.guid, trailer.guid]);
    expect(sxml).not.toMatch(/Scheduled for later|Taken down|Still a draft/);
  }, 120_000);

  it("lists all of a 500-episode show's episodes, each once, newest first", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer, { title: "Long runner", ownerEmail: "long@example.com", category: "History" });
    const cover = await uploadFromPath(user.viewer, media.png("long.png", 1400));
    await updatePodcast(user.viewer, podcast.id, { coverFileId: cover.id });
    const seed = await makePublishedEpisode(user.viewer, podcast.id, { title: "Seed", episodeNumber: 1, publishedAt: new Date("2020-01-01T00:00:00Z") });
    // The other 499 share the seed's audio: inserted as rows, the way an import leaves them.
    const [row] = await db.select().from(tables.episodes).where(eq(tables.episodes.id, seed.id));
    const rows = Array.from({ length: 499 }, (_, i) => ({
      ...row!,
      id: crypto.randomUUID(),
      slug: `episode-${i}`,
      guid: crypto.randomUUID(),
      title: `Episode ${i + 2} ${WEIRD}`,
      description: `Notes **${i}** ${WEIRD}\n\n- one\n- two`,
      episodeNumber: i + 2,
      publishedAt: new Date(Date.UTC(2020, 0, 2) + i * 86_400_000),
    }));
    for (let i = 0; i < rows.length; i += 100) await db.insert(tables.episodes).values(rows.slice(i, i + 100));
    await updatePodcast(user.viewer, podcast.id, { title: "Long runner!" }); // a feed-changing write after the inserts

    const { url, res, xml } = await getFeed(podcast.slug);
    expect(res.status).toBe(200);
    const { items } = checkFeed(xml, url);
    expect(items).toHaveLength(500);
    expect(items.map((i) => one(i, "itunes:episode").text)).toEqual(Array.from({ length: 500 }, (_, i) => String(500 - i)));
  }, 120_000);
});
