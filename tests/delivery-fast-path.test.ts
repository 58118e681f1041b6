import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { utcDay } from "@/lib/analytics/days";
import { getDownloadsReport } from "@/lib/data/analytics";
import { createSubscriber, revokeSubscriber } from "@/lib/data/subscribers";
import { setChapters, setTranscript } from "@/lib/data/episode-extras";
import { AppServer } from "@/tests/app-server";
import { makeEpisode, makePodcast, makePublishedEpisode, makeUser, uploadFromPath } from "@/tests/factories";

/**
 * `npm start` answers feeds and enclosures before Next's router (lib/delivery/fast-path.ts); the
 * Next routes stay for other hosts. Two production servers on this file's database — one with
 * the fast path, one without (DELIVERY_FAST_PATH=off) — must answer the same requests the same:
 * status, headers and body. And under concurrent load, every listener's download is counted.
 */
const root = path.resolve(__dirname, "..");
const PUBLIC_URL = "https://podcasts.example";
const APPLE = "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)";
let fast: AppServer;
let next: AppServer;
let seed: Awaited<ReturnType<typeof seedShow>>;

async function seedShow() {
  const user = await makeUser();
  const podcast = await makePodcast(user.viewer, { title: "Fast & <Slow>", ownerEmail: "o@example.com", category: "Technology" });
  const ep = await makePublishedEpisode(user.viewer, podcast.id, { title: "One", description: "<p>Notes</p>", seconds: 4 });
  const second = await makePublishedEpisode(user.viewer, podcast.id, { title: "Two" });
  await setTranscript(user.viewer, second.id, { text: "1\n00:00:00,000 --> 00:00:01,000\nHi\n", format: "srt" });
  await setChapters(user.viewer, second.id, [{ startSeconds: 0, title: "Start" }]);
  // An Opus rendition, as processing records one (audio.opus: the same delivery code).
  const opusFile = path.join(process.env.DATA_DIR!, "fast-path-rendition.opus");
  execFileSync(ffmpegInstaller.path, ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=d=4", "-ar", "48000", "-c:a", "libopus", "-b:a", "48k", "-f", "ogg", opusFile]);
  const opus = await uploadFromPath(user.viewer, opusFile);
  await db.update(tables.episodes).set({ opusFileId: opus.id }).where(eq(tables.episodes.id, ep.id));
  const draft = await makeEpisode(user.viewer, podcast.id, { title: "Draft" });
  const hidden = await makePodcast(user.viewer);
  const hiddenEp = await makePublishedEpisode(user.viewer, hidden.id);
  await db.update(tables.podcasts).set({ isPrivate: true }).where(eq(tables.podcasts.id, hidden.id));
  // Supporter-only: never on the public paths; subscribers' own paths answer on both.
  const bonus = await makePublishedEpisode(user.viewer, podcast.id, { title: "Bonus", access: "subscribers" });
  const base = PUBLIC_URL;
  const subscriber = await createSubscriber(user.viewer, podcast.id, { name: "Sub", email: "sub@example.com" }, base);
  const revoked = await createSubscriber(user.viewer, hidden.id, { name: "Gone", email: "gone@example.com" }, base);
  await revokeSubscriber(user.viewer, hidden.id, revoked.id);
  const hiddenSubscriber = await createSubscriber(user.viewer, hidden.id, { name: "Member", email: "member@example.com" }, base);
  const pathOf = (url: string | null) => new URL(url!).pathname;
  return { user, podcast, ep, second, draft, hidden, hiddenEp, bonus, opusBytes: fs.readFileSync(opusFile), subscriberFeed: pathOf(subscriber.feedUrl), revokedFeed: pathOf(revoked.feedUrl ?? `${base}/s/${"x".repeat(43)}/feed.xml`), hiddenSubscriberFeed: pathOf(hiddenSubscriber.feedUrl) };
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, ".next", "standalone", "server.js"))) {
    throw new Error("tests/delivery-fast-path.test.ts needs the production build: run `npm run build` first (npm test does).");
  }
  seed = await seedShow();
  // Both on this file's database and media (tests/setup-db.ts), one PUBLIC_URL; analytics
  // believe one proxy hop, so each listener can come from its own X-Forwarded-For address.
  const opts = (name: string, fastPath: "on" | "off") =>
    new AppServer(name, {
      dataDir: process.env.DATA_DIR!,
      port: 31000 + Math.floor(Math.random() * 9000),
      databaseUrl: () => process.env.DATABASE_URL,
      env: { PUBLIC_URL, TRUST_PROXY_HOPS: "1", DELIVERY_FAST_PATH: fastPath },
    });
  fast = opts("fast path", "on");
  next = opts("next routes", "off");
  await Promise.all([fast.start(), next.start()]);
}, 180_000);

afterAll(async () => {
  await fast?.kill("SIGKILL");
  await next?.kill("SIGKILL");
}, 30_000);

interface Raw {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** One request with Node's http client: headers and bytes exactly as sent (no decoding). */
function request(base: string, target: string, method = "GET", headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${target}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** What a client can rely on: everything but the connection's own headers. */
function comparable(r: Raw) {
  const headers = { ...r.headers };
  for (const h of ["date", "connection", "keep-alive", "transfer-encoding"]) delete headers[h];
  let body = r.body;
  if (headers["content-encoding"] === "gzip" || headers["content-encoding"] === "deflate") {
    body = headers["content-encoding"] === "gzip" ? zlib.gunzipSync(body) : zlib.inflateSync(body);
    // Next compresses as it streams, so it sends no length; the fast path sends a cached copy's.
    delete headers["content-length"];
  }
  return { status: r.status, headers, body: body.toString("base64") };
}

describe("the fast path of npm start", () => {
  it("answers feeds and enclosures exactly as the Next routes do", async () => {
    const { podcast, ep, second, draft, hidden, hiddenEp, bonus, subscriberFeed, revokedFeed, hiddenSubscriberFeed } = seed;
    const feed = `/p/${podcast.slug}/feed.xml`;
    const audio = `/p/${podcast.slug}/${ep.slug}/audio.mp3`;
    const opus = `/p/${podcast.slug}/${ep.slug}/audio.opus`;
    const first = await request(fast.base, feed);
    expect(first.status).toBe(200);
    const etag = first.headers.etag!;
    const size = ep.audioBytes.length;
    const probes: Array<[string, string, Record<string, string>?]> = [
      ["GET", feed],
      ["GET", `${feed}?utm=app`],
      ["GET", feed, { "accept-encoding": "gzip, deflate, br" }],
      ["GET", feed, { "accept-encoding": "gzip;q=0, deflate" }],
      ["GET", feed, { "accept-encoding": "gzip;q=0.5, deflate" }],
      ["GET", feed, { "accept-encoding": "deflate" }],
      ["GET", feed, { "accept-encoding": "br" }],
      ["GET", feed, { "accept-encoding": "identity, gzip" }],
      ["HEAD", feed],
      ["HEAD", feed, { "accept-encoding": "gzip" }],
      ["GET", feed, { "if-none-match": etag }],
      ["GET", feed, { "if-none-match": `"stale", ${etag}` }],
      ["GET", feed, { "if-none-match": '"stale"' }],
      ["GET", feed, { "if-modified-since": first.headers["last-modified"]! }],
      ["GET", feed, { "x-forwarded-proto": "http" }],
      ["GET", feed, { "x-forwarded-proto": "https" }],
      ["GET", `/p/${encodeURIComponent(podcast.slug)}/feed.xml`],
      ["GET", "/p/no-such-show/feed.xml"],
      ["GET", `/p/${hidden.slug}/feed.xml`],
      ["GET", audio],
      ["HEAD", audio],
      ["GET", audio, { range: "bytes=0-99" }],
      ["GET", audio, { range: "bytes=-500" }],
      ["GET", audio, { range: `bytes=${size - 10}-` }],
      ["GET", audio, { range: `bytes=${size}-` }],
      ["GET", audio, { range: "bytes=0-1,5-6" }],
      ["GET", audio, { range: "bytes=0-99", "if-range": '"another"' }],
      ["GET", audio, { "if-none-match": `"${ep.audioBytes.length}"` }],
      ["GET", `/p/${podcast.slug}/${draft.slug}/audio.mp3`],
      ["GET", `/p/${hidden.slug}/${hiddenEp.slug}/audio.mp3`],
      ["GET", `/p/${podcast.slug}/nothing/audio.mp3`],
      ["GET", `/p/${podcast.slug}/${bonus.slug}/audio.mp3`],
      ["GET", subscriberFeed],
      ["GET", subscriberFeed, { "accept-encoding": "gzip" }],
      ["HEAD", subscriberFeed],
      ["GET", hiddenSubscriberFeed],
      ["GET", revokedFeed],
      ["GET", "/s/not-a-token/feed.xml"],
      ["GET", subscriberFeed.replace("feed.xml", `${bonus.slug}/audio.mp3`), { range: "bytes=0-99" }],
      ["GET", hiddenSubscriberFeed.replace("feed.xml", `${hiddenEp.slug}/audio.mp3`), { range: "bytes=0-99" }],
      ["GET", revokedFeed.replace("feed.xml", `${hiddenEp.slug}/audio.mp3`)],
      ["GET", subscriberFeed.replace("feed.xml", `${draft.slug}/audio.mp3`)],
      ["GET", opus],
      ["HEAD", opus],
      ["GET", opus, { range: "bytes=0-99" }],
      ["GET", opus, { range: `bytes=${seed.opusBytes.length}-` }],
      ["GET", `/p/${podcast.slug}/${draft.slug}/audio.opus`],
      ["GET", `/p/${podcast.slug}/${second.slug}/audio.opus`],
      ["GET", subscriberFeed.replace("feed.xml", `${ep.slug}/audio.opus`), { range: "bytes=0-99" }],
      ["GET", revokedFeed.replace("feed.xml", `${hiddenEp.slug}/audio.opus`)],
    ];
    const audioEtag = (await request(fast.base, audio, "HEAD")).headers.etag!;
    probes.push(["GET", audio, { "if-none-match": audioEtag }], ["GET", audio, { range: "bytes=0-99", "if-range": audioEtag }]);
    for (const [method, target, headers] of probes) {
      const [a, b] = [await request(fast.base, target, method, headers), await request(next.base, target, method, headers)];
      expect.soft(comparable(a), `${method} ${target} ${JSON.stringify(headers ?? {})}`).toEqual(comparable(b));
    }

    // The answers themselves: validators, caching, length, ranges, CORS, and a CSP for a
    // resource (no nonce: these are not pages); HSTS when the proxy says the client used https.
    expect(first.headers).toMatchObject({
      "content-type": "application/rss+xml; charset=utf-8",
      "cache-control": "public, max-age=300, stale-while-revalidate=600",
      "content-length": String(first.body.length),
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "content-security-policy": "default-src 'none'; frame-ancestors *; base-uri 'none'; form-action 'none'",
    });
    expect(first.headers.vary).toMatch(/\bAccept-Encoding$/);
    expect(first.headers["strict-transport-security"]).toBeUndefined();
    const overHttps = await request(fast.base, feed, "GET", { "x-forwarded-proto": "https" });
    expect(overHttps.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect(first.headers["last-modified"]).toBeTruthy();
    expect(first.body.toString()).toContain(`${PUBLIC_URL}/p/${podcast.slug}/${ep.slug}/audio.mp3`);
    const ranged = await request(fast.base, audio, "GET", { range: "bytes=0-99" });
    expect(ranged.status).toBe(206);
    expect(ranged.headers).toMatchObject({
      "content-range": `bytes 0-99/${size}`,
      "content-length": "100",
      "accept-ranges": "bytes",
      "access-control-allow-origin": "*",
      "cache-control": "public, max-age=300",
      etag: audioEtag,
      "content-type": "audio/mpeg",
    });
    expect(ranged.body.equals(ep.audioBytes.subarray(0, 100))).toBe(true);
    // Subscribers' paths: their feed and the bonus answer, privately; the public path does not.
    const subFeed = await request(fast.base, subscriberFeed);
    expect(subFeed.status).toBe(200);
    expect(subFeed.headers["cache-control"]).toBe("private, max-age=300");
    expect(subFeed.body.toString()).toContain(`${PUBLIC_URL}${subscriberFeed.replace("feed.xml", `${bonus.slug}/audio.mp3`)}`);
    expect((await request(fast.base, `/p/${podcast.slug}/${bonus.slug}/audio.mp3`)).status).toBe(404);
    expect((await request(fast.base, revokedFeed)).status).toBe(404);
    // The Opus rendition from the fast path: the same range rules, sent as audio/ogg.
    const opusRanged = await request(fast.base, opus, "GET", { range: "bytes=10-109" });
    expect(opusRanged.status).toBe(206);
    expect(opusRanged.headers).toMatchObject({ "content-range": `bytes 10-109/${seed.opusBytes.length}`, "content-type": "audio/ogg", "accept-ranges": "bytes" });
    expect(opusRanged.body.equals(seed.opusBytes.subarray(10, 110))).toBe(true);
    // Which path answered: only the fast path knows a gzip feed's length (Next streams it).
    const gz = { "accept-encoding": "gzip" };
    expect((await request(fast.base, feed, "GET", gz)).headers["content-length"]).toBeDefined();
    expect((await request(next.base, feed, "GET", gz)).headers["content-length"]).toBeUndefined();
  }, 120_000);

  it("counts every download under load: N listeners fetching at once make N downloads", async () => {
    const { user, podcast, ep } = seed;
    const N = 120;
    const audio = `/p/${podcast.slug}/${ep.slug}/audio.mp3`;
    const day = utcDay(new Date());
    const report = () => getDownloadsReport(user.viewer, podcast.id, { from: day, to: day, episodeId: ep.id });
    const before = (await report()).total;
    // 12 at a time, each listener once, half of them in two ranges as Apple's player does.
    let nextListener = 0;
    const listen = async () => {
      while (nextListener < N) {
        const n = nextListener++;
        const headers = { "user-agent": APPLE, "x-forwarded-for": `198.51.${100 + (n >> 8)}.${n & 255}` };
        const parts = n % 2 ? [{}] : [{ range: "bytes=0-1" }, { range: "bytes=0-" }];
        for (const extra of parts) {
          const res = await request(fast.base, audio, "GET", { ...headers, ...extra });
          expect([200, 206]).toContain(res.status);
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, listen));
    const deadline = Date.now() + 30_000;
    let total = before;
    while (Date.now() < deadline) {
      total = (await report()).total;
      if (total >= before + N) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(total - before).toBe(N);
  }, 120_000);
});
