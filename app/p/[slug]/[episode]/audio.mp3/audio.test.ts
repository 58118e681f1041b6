import fs from "node:fs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { GET as ownerAudio } from "@/app/api/v1/episodes/[id]/audio/route";
import { createApiTokenForViewer } from "@/lib/data/tokens";
import { getStorage } from "@/lib/storage";
import { makeEpisode, makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import { GET, HEAD } from "./route";

async function fetchAudio(slug: string, episode: string, headers: Record<string, string> = {}, method: "GET" | "HEAD" = "GET") {
  const req = new Request(`http://localhost/p/${slug}/${episode}/audio.mp3`, { method, headers });
  const res = await (method === "GET" ? GET : HEAD)(req, { params: Promise.resolve({ slug, episode }) });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

describe("audio delivery", async () => {
  it("serves the whole file and single byte ranges exactly", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const ep = await makePublishedEpisode(user.viewer, podcast.id, { seconds: 4 });
    const bytes = ep.audioBytes;
    const size = bytes.length;
    expect(ep.sizeBytes).toBe(size);

    const whole = await fetchAudio(podcast.slug, ep.slug);
    expect(whole.res.status).toBe(200);
    expect(whole.res.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.res.headers.get("content-type")).toBe("audio/mpeg");
    expect(whole.res.headers.get("content-length")).toBe(String(size));
    expect(whole.body.equals(bytes)).toBe(true);
    const etag = whole.res.headers.get("etag")!;

    const first = await fetchAudio(podcast.slug, ep.slug, { range: "bytes=0-1" });
    expect(first.res.status).toBe(206);
    expect(first.res.headers.get("content-range")).toBe(`bytes 0-1/${size}`);
    expect(first.res.headers.get("content-length")).toBe("2");
    expect(first.body.equals(bytes.subarray(0, 2))).toBe(true);

    const middle = await fetchAudio(podcast.slug, ep.slug, { range: "bytes=1000-1999" });
    expect(middle.res.headers.get("content-range")).toBe(`bytes 1000-1999/${size}`);
    expect(middle.body.equals(bytes.subarray(1000, 2000))).toBe(true);

    const suffix = await fetchAudio(podcast.slug, ep.slug, { range: "bytes=-500" });
    expect(suffix.res.headers.get("content-range")).toBe(`bytes ${size - 500}-${size - 1}/${size}`);
    expect(suffix.body.equals(bytes.subarray(size - 500))).toBe(true);

    const open = await fetchAudio(podcast.slug, ep.slug, { range: `bytes=${size - 10}-` });
    expect(open.body.equals(bytes.subarray(size - 10))).toBe(true);

    const beyond = await fetchAudio(podcast.slug, ep.slug, { range: `bytes=${size}-${size + 10}` });
    expect(beyond.res.status).toBe(416);
    expect(beyond.res.headers.get("content-range")).toBe(`bytes */${size}`);

    const head = await fetchAudio(podcast.slug, ep.slug, { range: "bytes=0-99" }, "HEAD");
    expect(head.res.status).toBe(206);
    expect(head.res.headers.get("content-length")).toBe("100");
    expect(head.body.length).toBe(0);

    const staleIfRange = await fetchAudio(podcast.slug, ep.slug, { range: "bytes=0-99", "if-range": '"something-else"' });
    expect(staleIfRange.res.status).toBe(200);
    const freshIfRange = await fetchAudio(podcast.slug, ep.slug, { range: "bytes=0-99", "if-range": etag });
    expect(freshIfRange.res.status).toBe(206);
    expect((await fetchAudio(podcast.slug, ep.slug, { "if-none-match": etag })).res.status).toBe(304);
    // If-None-Match compares weakly (RFC 9110 13.1.2): a CDN that compressed the file made the ETag weak.
    expect((await fetchAudio(podcast.slug, ep.slug, { "if-none-match": `"other", W/${etag}` })).res.status).toBe(304);
    // If-Range compares strongly: a weak validator never allows a range.
    expect((await fetchAudio(podcast.slug, ep.slug, { range: "bytes=0-99", "if-range": `W/${etag}` })).res.status).toBe(200);
  });

  it("validates a file the same way as the owner's audio route: its SHA-256, and when it was stored", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const ep = await makePublishedEpisode(user.viewer, podcast.id, { seconds: 2 });
    const [file] = await db.select().from(tables.mediaFiles).where(eq(tables.mediaFiles.id, ep.audioFileId!));
    // A file whose bytes on disk were touched later (a restore from backup, say) is still the same file.
    const onDisk = await getStorage().localPath(file!.storageKey);
    fs.utimesSync(onDisk, new Date("2020-01-01T00:00:00Z"), new Date("2020-01-01T00:00:00Z"));

    const { token } = await createApiTokenForViewer(user.viewer, { name: "test", expiresInDays: 1 });
    const req = new Request(`http://localhost/api/v1/episodes/${ep.id}/audio`, { headers: { authorization: `Bearer ${token}` } });
    const owner = await ownerAudio(req, { params: Promise.resolve({ id: ep.id }) });
    const listener = (await fetchAudio(podcast.slug, ep.slug)).res;
    expect(owner.status).toBe(200);
    expect(listener.status).toBe(200);
    expect(listener.headers.get("etag")).toBe(`"${file!.sha256}"`);
    expect(owner.headers.get("etag")).toBe(listener.headers.get("etag"));
    expect(listener.headers.get("last-modified")).toBe(file!.createdAt.toUTCString());
    expect(owner.headers.get("last-modified")).toBe(listener.headers.get("last-modified"));
    await owner.body?.cancel();
  });

  it("answers 404 for drafts, private podcasts and unknown slugs", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const draft = await makeEpisode(user.viewer, podcast.id);
    expect((await fetchAudio(podcast.slug, draft.slug)).res.status).toBe(404);
    const ep = await makePublishedEpisode(user.viewer, podcast.id);
    await db.update(tables.podcasts).set({ isPrivate: true }).where(eq(tables.podcasts.id, podcast.id));
    expect((await fetchAudio(podcast.slug, ep.slug)).res.status).toBe(404);
    expect((await fetchAudio("nope", "nothing")).res.status).toBe(404);
  });
});
