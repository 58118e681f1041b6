import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { parseFeed } from "podcast-partytime";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as mp3Route } from "@/app/p/[slug]/[episode]/audio.mp3/route";
import { GET as opusRoute, HEAD as opusHead } from "@/app/p/[slug]/[episode]/audio.opus/route";
import { GET as feedRoute } from "@/app/p/[slug]/feed.xml/route";
import { db, tables } from "@/db";
import { flushDownloads } from "@/lib/analytics";
import { updatePodcast } from "@/lib/data/podcasts";
import { completeProcessing, opusKeyFor, storeProcessingOutput } from "@/lib/data/processing";
import { getStorage } from "@/lib/storage";
import { updatePodcastSchema } from "@/lib/validation/podcast";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";

/**
 * The Opus rendition from the feed's side: a processing that stored one (the real store and
 * record functions, fed by short files ffmpeg makes here) is listed as a podcast:alternateEnclosure
 * beside the MP3 marked default, read back by podcast-partytime, and its source URI is served
 * with byte ranges and counted like the enclosure.
 */
const BASE = "https://podcasts.example";
const APPLE = "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)";

function encode(seconds: number, codec: "mp3" | "opus"): { file: string; data: Buffer; sha256: string } {
  const file = path.join(os.tmpdir(), `pp-opus-test-${crypto.randomUUID()}.${codec}`);
  const out = codec === "mp3" ? ["-c:a", "libmp3lame", "-b:a", "96k"] : ["-ar", "48000", "-c:a", "libopus", "-b:a", "48k", "-f", "ogg"];
  const tone = `sine=frequency=${300 + Math.floor(Math.random() * 500)}:duration=${seconds}`;
  execFileSync(ffmpegInstaller.path, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", tone, "-ac", "1", ...out, file]);
  const data = fs.readFileSync(file);
  return { file, data, sha256: crypto.createHash("sha256").update(data).digest("hex") };
}

/** A published episode re-processed by a run that stored an MP3 and an Opus rendition. */
async function showWithOpus(podcastInput: Record<string, unknown> = {}) {
  const user = await makeUser();
  const podcast = await makePodcast(user.viewer, podcastInput);
  const ep = await makePublishedEpisode(user.viewer, podcast.id);
  const id = crypto.randomUUID();
  const now = new Date();
  await db.insert(tables.episodeProcessing).values({ id, episodeId: ep.id, ownerId: user.id, status: "running", progress: 0, step: "master", sourceFileId: ep.audioFileId, options: {}, createdAt: now, updatedAt: now });
  const mp3 = encode(8, "mp3");
  const opus = encode(8, "opus");
  const key = (await storeProcessingOutput(id, mp3.file, { opus: opus.file }))!;
  const recorded = await completeProcessing(id, {
    key,
    sha256: mp3.sha256,
    sizeBytes: mp3.data.length,
    durationSeconds: 8,
    stats: {},
    waveform: null,
    opus: { key: opusKeyFor(id), sha256: opus.sha256, sizeBytes: opus.data.length, channels: 1 },
  });
  expect(recorded).toBe(true);
  return { user, podcast, ep, processingId: id, mp3, opus };
}

async function getFeed(slug: string, headers: Record<string, string> = {}) {
  const res = await feedRoute(new Request(`${BASE}/p/${slug}/feed.xml`, { headers: { host: "podcasts.example", "x-forwarded-proto": "https", ...headers } }), {
    params: Promise.resolve({ slug }),
  });
  return { res, xml: await res.text() };
}

const params = (slug: string, episode: string) => ({ params: Promise.resolve({ slug, episode }) });

describe("Opus rendition", () => {
  it("is listed as podcast:alternateEnclosure beside the default MP3, and its source answers byte ranges", async () => {
    const { podcast, ep, opus, mp3 } = await showWithOpus();
    const feed = parseFeed((await getFeed(podcast.slug)).xml)!;
    const item = feed.items[0]!;
    const enclosureUrl = `${BASE}/p/${podcast.slug}/${ep.slug}/audio.mp3`;
    const opusUrl = `${BASE}/p/${podcast.slug}/${ep.slug}/audio.opus`;
    expect(item.enclosure).toMatchObject({ url: enclosureUrl, length: mp3.data.length, type: "audio/mpeg" });
    expect(item.alternativeEnclosures).toEqual([
      { type: "audio/mpeg", length: mp3.data.length, title: "MP3", default: true, source: [{ uri: enclosureUrl, contentType: "audio/mpeg" }] },
      {
        type: "audio/opus",
        length: opus.data.length,
        // bits per second, as the namespace defines it: the file's average over its 8 seconds
        bitrate: Math.round((opus.data.length * 8) / 8),
        title: "Opus",
        codecs: "opus",
        default: false,
        source: [{ uri: opusUrl, contentType: "audio/opus" }],
      },
    ]);
    expect(item.alternativeEnclosures![1]!.bitrate).toBeGreaterThan(30_000);
    expect(item.alternativeEnclosures![1]!.bitrate).toBeLessThan(70_000);

    // The source URI, as an app fetches it: a range is answered 206 with exactly those bytes.
    const res = await opusRoute(new Request(opusUrl, { headers: { range: "bytes=100-1099" } }), params(podcast.slug, ep.slug));
    expect(res.status).toBe(206);
    expect(res.headers.get("content-type")).toBe("audio/ogg");
    expect(res.headers.get("content-range")).toBe(`bytes 100-1099/${opus.data.length}`);
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(Buffer.from(await res.arrayBuffer()).equals(opus.data.subarray(100, 1100))).toBe(true);
    const head = await opusHead(new Request(opusUrl, { method: "HEAD" }), params(podcast.slug, ep.slug));
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(opus.data.length));
    expect(head.headers.get("etag")).toBe(`"${opus.sha256}"`);
    // The Ogg file starts with its page header, not an ID3 tag.
    const whole = Buffer.from(await (await opusRoute(new Request(opusUrl), params(podcast.slug, ep.slug))).arrayBuffer());
    expect(whole.subarray(0, 4).toString("latin1")).toBe("OggS");
    // The MP3 alternate is the enclosure itself.
    const mp3Res = await mp3Route(new Request(enclosureUrl, { headers: { range: "bytes=0-9" } }), params(podcast.slug, ep.slug));
    expect(Buffer.from(await mp3Res.arrayBuffer()).equals(mp3.data.subarray(0, 10))).toBe(true);
  });

  it("puts the analytics prefix before both alternate sources", async () => {
    const { podcast, ep } = await showWithOpus({ enclosurePrefix: "https://op3.dev/e/" });
    const item = parseFeed((await getFeed(podcast.slug)).xml)!.items[0]!;
    expect(item.alternativeEnclosures!.map((a) => a.source[0]!.uri)).toEqual([
      `https://op3.dev/e/podcasts.example/p/${podcast.slug}/${ep.slug}/audio.mp3`,
      `https://op3.dev/e/podcasts.example/p/${podcast.slug}/${ep.slug}/audio.opus`,
    ]);
    expect(item.alternativeEnclosures![0]!.source[0]!.uri).toBe(item.enclosure!.url);
  });

  it("counts a listener's Opus download like the MP3's (a minute of audio, or the whole short file)", async () => {
    const { podcast, ep } = await showWithOpus();
    const req = (range?: string) =>
      opusRoute(new Request(`${BASE}/p/${podcast.slug}/${ep.slug}/audio.opus`, { headers: { "user-agent": APPLE, "x-forwarded-for": "203.0.113.9", ...(range ? { range } : {}) } }), params(podcast.slug, ep.slug));
    // The first bytes alone (headers): no download yet.
    await (await req("bytes=0-199")).arrayBuffer();
    await flushDownloads();
    const [opened] = await db.select().from(tables.downloadSessions).where(eq(tables.downloadSessions.episodeId, ep.id));
    expect(opened?.countedAt).toBeNull();
    // The rest of an 8-second file: counted, once.
    await (await req("bytes=200-")).arrayBuffer();
    await flushDownloads();
    const sessions = await db.select().from(tables.downloadSessions).where(eq(tables.downloadSessions.episodeId, ep.id));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.countedAt).not.toBeNull();
  });

  it("is neither listed nor served once the podcast turns renditions off, and the feed's ETag changes", async () => {
    const { user, podcast, ep } = await showWithOpus();
    const before = await getFeed(podcast.slug);
    expect(before.xml).toContain("podcast:alternateEnclosure");
    await updatePodcast(user.viewer, podcast.id, updatePodcastSchema.parse({ opusRendition: false }));
    const after = await getFeed(podcast.slug, { "if-none-match": before.res.headers.get("etag")! });
    expect(after.res.status).toBe(200);
    expect(after.xml).not.toContain("alternateEnclosure");
    expect(parseFeed(after.xml)!.items[0]!.alternativeEnclosures ?? []).toEqual([]);
    const res = await opusRoute(new Request(`${BASE}/p/${podcast.slug}/${ep.slug}/audio.opus`), params(podcast.slug, ep.slug));
    expect(res.status).toBe(404);
    // On again: listed again (the file was kept).
    await updatePodcast(user.viewer, podcast.id, updatePodcastSchema.parse({ opusRendition: true }));
    expect(parseFeed((await getFeed(podcast.slug)).xml)!.items[0]!.alternativeEnclosures).toHaveLength(2);
  });

  it("replaces the old rendition when the episode is processed again, and removes the old file", async () => {
    const first = await showWithOpus();
    const [before] = await db.select().from(tables.episodes).where(eq(tables.episodes.id, first.ep.id));
    const oldOpus = before!.opusFileId!;
    const [oldRow] = await db.select().from(tables.mediaFiles).where(eq(tables.mediaFiles.id, oldOpus));
    expect(oldRow).toMatchObject({ mimeType: "audio/ogg; codecs=opus", codec: "opus", sampleRate: 48000, kind: "audio" });
    // A second run of the same episode, with a new master and rendition.
    const id = crypto.randomUUID();
    const now = new Date();
    await db.insert(tables.episodeProcessing).values({ id, episodeId: first.ep.id, ownerId: first.user.id, status: "running", progress: 0, step: "master", options: {}, createdAt: now, updatedAt: now });
    const mp3 = encode(6, "mp3");
    const opus = encode(6, "opus");
    const key = (await storeProcessingOutput(id, mp3.file, { opus: opus.file }))!;
    const result = { key, sha256: mp3.sha256, sizeBytes: mp3.data.length, durationSeconds: 6, stats: {}, waveform: null, opus: { key: opusKeyFor(id), sha256: opus.sha256, sizeBytes: opus.data.length, channels: 1 as const } };
    expect(await completeProcessing(id, result)).toBe(true);
    // Safe to run twice: nothing changes, nothing is removed.
    expect(await completeProcessing(id, result)).toBe(true);
    const [after] = await db.select().from(tables.episodes).where(eq(tables.episodes.id, first.ep.id));
    expect(after!.opusFileId).not.toBe(oldOpus);
    expect(await db.select().from(tables.mediaFiles).where(eq(tables.mediaFiles.id, oldOpus))).toEqual([]);
    expect(await getStorage().stat(oldRow!.storageKey)).toBeNull();
    expect((await getStorage().stat(opusKeyFor(id)))?.size).toBe(opus.data.length);
    const item = parseFeed((await getFeed(first.podcast.slug)).xml)!.items[0]!;
    expect(item.alternativeEnclosures![1]!.length).toBe(opus.data.length);
  });
});
