import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { setChapters, setTranscript } from "@/lib/data/episode-extras";
import { ingestUpload } from "@/lib/data/media";
import { newId } from "@/lib/ids";
import { makeEpisode, makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";
import * as episodeCoverJpg from "./[slug]/[episode]/cover.jpg/route";
import * as chaptersJson from "./[slug]/[episode]/chapters.json/route";
import * as transcriptSrt from "./[slug]/[episode]/transcript.srt/route";
import * as transcriptVtt from "./[slug]/[episode]/transcript.vtt/route";
import * as waveformJson from "./[slug]/[episode]/waveform.json/route";
import * as coverJpg from "./[slug]/cover.jpg/route";
import * as coverPng from "./[slug]/cover.png/route";
import { loadEpisode, loadPodcast } from "./load";

// Each route has its own params type; the tests pass the right ones.
type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

async function get(handler: Handler, params: Record<string, string>, method = "GET") {
  const res = await (handler as (req: Request, ctx: { params: Promise<unknown> }) => Promise<Response>)(new Request("http://localhost/p/x", { method }), { params: Promise.resolve(params) });
  return { status: res.status, type: res.headers.get("content-type"), headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

const vtt = "WEBVTT\n\n00:01.000 --> 00:04.000\n<v Ann>Welcome.\n\n00:05.000 --> 00:06.500\nBye.\n";

async function published() {
  const user = await makeUser();
  const podcast = await makePodcast(user.viewer);
  const episode = await makePublishedEpisode(user.viewer, podcast.id, { seconds: 10 });
  return { user, podcast, episode, params: { slug: podcast.slug, episode: episode.slug } };
}

async function makePrivate(podcastId: string) {
  await db.update(tables.podcasts).set({ isPrivate: true }).where(eq(tables.podcasts.id, podcastId));
}

/** Whatever `notFound()` throws: the 404 page, not an error page. */
const notFoundPage = expect.objectContaining({ digest: expect.stringMatching(/^NEXT_HTTP_ERROR_FALLBACK;404/) });

describe("public pages", () => {
  it("load a public podcast and a published episode, and 404 for anything else", async () => {
    const { user, podcast, params } = await published();
    expect((await loadPodcast(podcast.slug)).id).toBe(podcast.id);
    expect((await loadEpisode(params.slug, params.episode)).episode.slug).toBe(params.episode);

    const draft = await makeEpisode(user.viewer, podcast.id);
    await expect(loadEpisode(podcast.slug, draft.slug)).rejects.toEqual(notFoundPage);
    await expect(loadEpisode(podcast.slug, "no-such-episode")).rejects.toEqual(notFoundPage);
    await expect(loadPodcast("no-such-show")).rejects.toEqual(notFoundPage);
    await makePrivate(podcast.id);
    await expect(loadPodcast(podcast.slug)).rejects.toEqual(notFoundPage);
    await expect(loadEpisode(params.slug, params.episode)).rejects.toEqual(notFoundPage);
  });
});

describe("public chapters and transcripts", () => {
  it("serve Podcasting 2.0 JSON chapters of a published episode", async () => {
    const { user, episode, params } = await published();
    expect((await get(chaptersJson.GET, params)).status).toBe(404);
    await setChapters(user.viewer, episode.id, [{ startSeconds: 0, title: "Intro" }, { startSeconds: 4.5, title: "Talk" }]);
    const res = await get(chaptersJson.GET, params);
    expect(res.status).toBe(200);
    expect(res.type).toBe("application/json+chapters");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(JSON.parse(res.body.toString())).toEqual({ version: "1.2.0", chapters: [{ startTime: 0, title: "Intro" }, { startTime: 4.5, title: "Talk" }] });
  });

  it("serve the stored transcript as uploaded and converted to the other format", async () => {
    const { user, episode, params } = await published();
    expect((await get(transcriptVtt.GET, params)).status).toBe(404);
    await setTranscript(user.viewer, episode.id, { text: vtt, format: "vtt" });
    const asVtt = await get(transcriptVtt.GET, params);
    expect(asVtt).toMatchObject({ status: 200, type: "text/vtt; charset=utf-8" });
    expect(asVtt.body.toString()).toBe(vtt);
    const asSrt = await get(transcriptSrt.GET, params);
    expect(asSrt).toMatchObject({ status: 200, type: "application/x-subrip; charset=utf-8" });
    expect(asSrt.body.toString()).toBe("1\n00:00:01,000 --> 00:00:04,000\n<v Ann>Welcome.\n\n2\n00:00:05,000 --> 00:00:06,500\nBye.\n");
  });

  it("answer 404 for drafts and private podcasts", async () => {
    const { user, podcast, episode, params } = await published();
    const draft = await makeEpisode(user.viewer, podcast.id);
    for (const e of [draft.id, episode.id]) {
      await setChapters(user.viewer, e, [{ startSeconds: 0, title: "Intro" }]);
      await setTranscript(user.viewer, e, { text: vtt, format: "vtt" });
    }
    const draftParams = { slug: podcast.slug, episode: draft.slug };
    for (const handler of [chaptersJson.GET, transcriptVtt.GET, transcriptSrt.GET, waveformJson.GET]) {
      expect((await get(handler, draftParams)).status).toBe(404);
    }
    expect((await get(chaptersJson.GET, params)).status).toBe(200);
    await makePrivate(podcast.id);
    for (const handler of [chaptersJson.GET, transcriptVtt.GET, transcriptSrt.GET]) {
      expect((await get(handler, params)).status).toBe(404);
    }
  });
});

describe("public waveform", () => {
  it("serves the peaks of the episode's current audio only", async () => {
    const { user, episode, params } = await published();
    expect((await get(waveformJson.GET, params)).status).toBe(404);
    const waveform = { version: 2, channels: 1, sample_rate: 8000, samples_per_pixel: 256, bits: 8, length: 2, data: [-1, 2, -3, 4] };
    await db.insert(tables.episodeProcessing).values({
      id: newId(),
      episodeId: episode.id,
      ownerId: user.id,
      status: "succeeded",
      options: {},
      outputFileId: episode.audioFileId,
      waveform,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const res = await get(waveformJson.GET, params);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual(waveform);
  });
});

describe("public covers", () => {
  it("serve a PNG cover at .png only, with ranges, and 404 for private podcasts", async () => {
    const { user, podcast, params } = await published();
    expect((await get(coverPng.GET, { slug: podcast.slug })).status).toBe(404);
    const tmp = path.join(os.tmpdir(), `pp-cover-${crypto.randomUUID()}.png`);
    execFileSync(ffmpegInstaller.path, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=red:s=1400x1400", "-frames:v", "1", tmp]);
    const bytes = fs.readFileSync(tmp);
    const { file } = await ingestUpload(user.viewer, {
      tempPath: tmp,
      originalFilename: "cover.png",
      sizeBytes: bytes.length,
      sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
    });
    expect(file.mimeType).toBe("image/png");
    await db.update(tables.podcasts).set({ coverFileId: file.id }).where(eq(tables.podcasts.id, podcast.id));

    const png = await get(coverPng.GET, { slug: podcast.slug });
    expect(png).toMatchObject({ status: 200, type: "image/png" });
    expect(png.body.equals(bytes)).toBe(true);
    const head = await get(coverPng.HEAD, { slug: podcast.slug }, "HEAD");
    expect(head.headers.get("content-length")).toBe(String(bytes.length));
    expect((await get(coverJpg.GET, { slug: podcast.slug })).status).toBe(404);
    // The episode has no cover of its own: its cover URLs are not there.
    expect((await get(episodeCoverJpg.GET, params)).status).toBe(404);
    await makePrivate(podcast.id);
    expect((await get(coverPng.GET, { slug: podcast.slug })).status).toBe(404);
  });
});
