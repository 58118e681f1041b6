import { asc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { makeEpisode, makePodcast, makeUser } from "@/tests/factories";
import { addDays, utcDay } from "./days";
import { clientIp, flushDownloads, recordDownload } from "./index";

// 10 minutes in 6 MB: 10,000 bytes a second, so a download is 600,000 bytes.
const TOTAL = 6_000_000;
const DURATION = 600;
const THRESHOLD = 600_000;
const APPLE = "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)";
const SPOTIFY = "Spotify/8.9.34 iOS/17.4.1 (iPhone15,2)";

let podcastId: string;
let ownerViewer: { userId: string };

beforeAll(async () => {
  const user = await makeUser();
  ownerViewer = user.viewer;
  podcastId = (await makePodcast(user.viewer)).id;
});

const newEpisode = async () => (await makeEpisode(ownerViewer, podcastId)).id;

function hit(
  episodeId: string,
  at: string | Date,
  opts: { range?: [number, number] | null; ip?: string; ua?: string; total?: number; duration?: number | null } = {},
) {
  recordDownload({
    episodeId,
    podcastId,
    ip: opts.ip ?? "198.51.100.7",
    userAgent: opts.ua ?? APPLE,
    range: opts.range ? { start: opts.range[0], end: opts.range[1] } : null,
    totalBytes: opts.total ?? TOTAL,
    durationSeconds: opts.duration === undefined ? DURATION : opts.duration,
    at: new Date(at),
  });
}

async function sessions(episodeId: string) {
  await flushDownloads();
  const s = tables.downloadSessions;
  return db.select().from(s).where(eq(s.episodeId, episodeId)).orderBy(asc(s.startedAt));
}

const downloads = async (episodeId: string) => (await sessions(episodeId)).filter((r) => r.countedAt !== null);

describe("recordDownload: one download per listener-episode (IAB v2)", () => {
  it("counts a full download once, however often it is fetched within 24 h", async () => {
    const ep = await newEpisode();
    hit(ep, "2025-03-10T08:00:00Z");
    hit(ep, "2025-03-10T09:00:00Z");
    hit(ep, "2025-03-11T07:59:00Z");
    const rows = await sessions(ep);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ requests: 3, countedDay: "2025-03-10", app: "Apple Podcasts", device: "iPhone" });
  });

  it("counts again after 24 h", async () => {
    const ep = await newEpisode();
    hit(ep, "2025-03-10T08:00:00Z");
    hit(ep, "2025-03-11T08:00:01Z");
    const rows = await downloads(ep);
    expect(rows.map((r) => r.countedDay)).toEqual(["2025-03-10", "2025-03-11"]);
  });

  it("keeps one listener-episode across midnight UTC (yesterday's salt is still looked up)", async () => {
    const ep = await newEpisode();
    hit(ep, "2025-03-10T23:50:00Z", { range: [0, 1] });
    hit(ep, "2025-03-11T00:10:00Z", { range: [0, THRESHOLD] });
    hit(ep, "2025-03-11T12:00:00Z");
    const rows = await sessions(ep);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ requests: 3, countedDay: "2025-03-11" });
  });

  it("tells listeners apart by IP and by User-Agent", async () => {
    const ep = await newEpisode();
    hit(ep, "2025-03-10T08:00:00Z");
    hit(ep, "2025-03-10T08:00:00Z", { ip: "198.51.100.8" });
    hit(ep, "2025-03-10T08:00:00Z", { ua: SPOTIFY });
    expect(await downloads(ep)).toHaveLength(3);
  });

  it("never counts Apple's bytes=0-1 probes, however many", async () => {
    const ep = await newEpisode();
    for (let i = 0; i < 50; i++) hit(ep, new Date(Date.parse("2025-03-10T08:00:00Z") + i * 60_000), { range: [0, 1] });
    const rows = await sessions(ep);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ requests: 50, coveredBytes: 2, countedAt: null });
  });

  it("sums partial ranges and counts once they pass one minute of audio", async () => {
    const ep = await newEpisode();
    hit(ep, "2025-03-10T08:00:00Z", { range: [0, 1] });
    hit(ep, "2025-03-10T08:00:01Z", { range: [0, 199_999] });
    hit(ep, "2025-03-10T08:00:02Z", { range: [200_000, 399_999] });
    expect(await downloads(ep)).toHaveLength(0);
    hit(ep, "2025-03-10T08:00:03Z", { range: [400_000, THRESHOLD - 1] });
    hit(ep, "2025-03-10T08:00:04Z", { range: [THRESHOLD, 1_999_999] });
    const rows = await sessions(ep);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ requests: 5, coveredBytes: THRESHOLD, countedDay: "2025-03-10" });
    expect(rows[0]!.countedAt).toEqual(new Date("2025-03-10T08:00:03Z"));
  });

  it("does not count overlapping ranges twice", async () => {
    const ep = await newEpisode();
    hit(ep, "2025-03-10T08:00:00Z", { range: [0, 399_999] });
    hit(ep, "2025-03-10T08:00:01Z", { range: [0, 399_999] });
    hit(ep, "2025-03-10T08:00:02Z", { range: [200_000, 499_999] });
    let rows = await sessions(ep);
    expect(rows[0]).toMatchObject({ coveredBytes: 500_000, countedAt: null, ranges: [[0, 499_999]] });
    hit(ep, "2025-03-10T08:00:03Z", { range: [450_000, 599_999] });
    rows = await sessions(ep);
    expect(rows[0]).toMatchObject({ coveredBytes: 600_000, countedDay: "2025-03-10" });
  });

  it("needs the whole file when it is shorter than a minute", async () => {
    const ep = await newEpisode();
    hit(ep, "2025-03-10T08:00:00Z", { total: 300_000, duration: 20, range: [0, 299_998] });
    expect(await downloads(ep)).toHaveLength(0);
    hit(ep, "2025-03-10T08:00:01Z", { total: 300_000, duration: 20, range: [299_999, 299_999] });
    expect(await downloads(ep)).toHaveLength(1);
  });

  it("excludes bots and crawlers entirely", async () => {
    const ep = await newEpisode();
    hit(ep, "2025-03-10T08:00:00Z", { ua: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" });
    hit(ep, "2025-03-10T08:00:00Z", { ua: "curl/8.5.0" });
    hit(ep, "2025-03-10T08:00:00Z", { ua: "" });
    expect(await sessions(ep)).toHaveLength(0);
  });

  it("stores no IP address, only a salted hash", async () => {
    const ep = await newEpisode();
    const ip = "203.0.113.77";
    hit(ep, "2025-03-10T08:00:00Z", { ip });
    const rows = await sessions(ep);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.listenerHash).toMatch(/^[0-9a-f]{64}$/);
    const everything = JSON.stringify([
      await db.select().from(tables.downloadSessions),
      await db.select().from(tables.analyticsSalts),
    ]);
    expect(everything).not.toContain(ip);
    expect(everything).not.toContain("203.0.113");
  });

  it("drops requests for unknown episodes or the wrong podcast, and never throws", async () => {
    const ep = await newEpisode();
    expect(() => recordDownload(null as never)).not.toThrow();
    expect(() => recordDownload({ episodeId: "nope" } as never)).not.toThrow();
    recordDownload({ episodeId: ep, podcastId: crypto.randomUUID(), ip: "1.2.3.4", userAgent: APPLE, range: null, totalBytes: TOTAL, durationSeconds: DURATION });
    recordDownload({ episodeId: crypto.randomUUID(), podcastId, ip: "1.2.3.4", userAgent: APPLE, range: null, totalBytes: TOTAL, durationSeconds: DURATION });
    await expect(flushDownloads()).resolves.toBeUndefined();
    expect(await sessions(ep)).toHaveLength(0);
  });

  it("returns at once: the write happens in the background flush", async () => {
    const ep = await newEpisode();
    const started = performance.now();
    for (let i = 0; i < 1000; i++) hit(ep, "2025-03-10T08:00:00Z", { ip: `10.0.${i >> 8}.${i & 255}` });
    expect(performance.now() - started).toBeLessThan(200);
    expect(await downloads(ep)).toHaveLength(1000);
  });
});

describe("daily salts", () => {
  it("uses a new salt each day and deletes salts from before yesterday", async () => {
    const ep = await newEpisode();
    const day = "2025-06-01";
    hit(ep, `${day}T00:00:10Z`);
    hit(ep, `${addDays(day, 1)}T12:00:00Z`); // more than 24 h later: a new listener-episode
    const rows = await sessions(ep);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.listenerHash).not.toBe(rows[1]!.listenerHash);
    const saltDays = async () => (await db.select().from(tables.analyticsSalts)).map((s) => s.day);
    expect(await saltDays()).toEqual(expect.arrayContaining([day, addDays(day, 1)]));

    hit(ep, `${addDays(day, 3)}T09:00:00Z`, { range: [0, 1] });
    await flushDownloads();
    const left = await saltDays();
    expect(left).toContain(addDays(day, 3));
    expect(left).not.toContain(day);
    expect(left).not.toContain(addDays(day, 1));
  });

  it("forgets listener-episodes whose window closed without a download", async () => {
    const ep = await newEpisode();
    hit(ep, "2025-07-01T08:00:00Z", { range: [0, 1] });
    expect(await sessions(ep)).toHaveLength(1);
    hit(ep, "2025-07-03T08:00:00Z");
    const rows = await sessions(ep);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.countedDay).toBe("2025-07-03");
  });
});

describe("clientIp", () => {
  const req = (headers: Record<string, string>) => new Request("http://localhost/x.mp3", { headers });
  it("takes the connection's address, or the entry a trusted proxy appended, never one the client chose", async () => {
    const { clientIp: addressOf, PEER_HEADER } = await import("@/lib/http/client-ip");
    // Straight from the client: whatever X-Forwarded-For it sends, its address is the peer's.
    expect(addressOf({ [PEER_HEADER]: "198.51.100.20", "x-forwarded-for": "203.0.113.5" }, 0)).toBe("198.51.100.20");
    // Behind one proxy (the peer): the entry that proxy appended, not the client's own claim.
    expect(addressOf({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "203.0.113.5, 198.51.100.21" }, 1)).toBe("198.51.100.21");
    expect(addressOf({ [PEER_HEADER]: "::ffff:127.0.0.1" }, 1)).toBe("127.0.0.1"); // nothing forwarded: the peer
    expect(addressOf({ [PEER_HEADER]: "10.0.0.9", "x-forwarded-for": "198.51.100.22, 10.0.0.8" }, 2)).toBe("198.51.100.22");
  });

  it("without a known peer (a platform running the handler), takes the last X-Forwarded-For entry, then X-Real-IP, else unknown", () => {
    // The first entry is whatever the client claimed; the proxy appends the address it saw.
    expect(clientIp(req({ "x-forwarded-for": " 203.0.113.5 , 10.0.0.1", "x-real-ip": "10.0.0.2" }))).toBe("10.0.0.1");
    expect(clientIp(req({ "x-real-ip": "2001:db8::1" }))).toBe("2001:db8::1");
    expect(clientIp(req({ "x-forwarded-for": "::ffff:198.51.100.1" }))).toBe("198.51.100.1");
    expect(clientIp(req({}))).toBe("unknown");
    expect(utcDay(new Date(0))).toBe("1970-01-01");
  });
});
