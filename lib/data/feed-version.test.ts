import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { buildFeed, feedEtag, podcastGuid } from "@/lib/feed";
import { urls } from "@/lib/urls";
import { isAppError } from "@/lib/errors";
import { addMember, makeEpisode, makePodcast, makePublishedEpisode, makeUser, uploadFromPath } from "@/tests/factories";
import { makeFixtureDir } from "@/tests/media-fixtures";
import { backfillAccentColor } from "./accent";
import { createEpisode, deleteEpisode, updateEpisode } from "./episodes";
import { removeTranscript, setChapters, setTranscript } from "./episode-extras";
import { deleteMediaFile, ingestUpload, renameMediaFile } from "./media";
import { transferPodcast } from "./members";
import { createPodcast, deletePodcast, updatePodcast } from "./podcasts";
import { cancelProcessing, completeProcessing, failProcessing, opusKeyFor, startProcessing, storeProcessingOutput } from "./processing";
import { getPublicFeedVersion, getPublicPodcast, keepPodcastGuid, listPublishedEpisodes } from "./public";
import { publishEpisode, publishScheduledEpisode, unpublishEpisode } from "./publishing";

/**
 * The feed's ETag comes from `podcasts.feed_version` alone, so a write that changes the feed
 * without bumping it would leave podcast apps on the old feed (304) for good. Every function in
 * lib/data that writes podcasts, episodes or media files is found by reading the source, and
 * each must have a case here that runs it and compares the ETag's change with the XML's.
 */

const BASE = "http://feed.test";
const ffmpeg = (): string => ffmpegInstaller.path;

type Snapshot = { etag: string; xml: string } | null;

async function snapshot(slug: string): Promise<Snapshot> {
  try {
    const version = await getPublicFeedVersion(slug);
    const podcast = await getPublicPodcast(slug);
    return { etag: feedEtag(version, BASE), xml: buildFeed(podcast, await listPublishedEpisodes(podcast.id), BASE) };
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") return null;
    throw err;
  }
}

/** What a mutation did to the feed: whether the XML changed, and whether the ETag did. */
async function across(slug: string, mutate: () => Promise<unknown>) {
  const before = await snapshot(slug);
  await mutate();
  const after = await snapshot(slug);
  const xmlChanged = before?.xml !== after?.xml;
  const etagChanged = before?.etag !== after?.etag;
  return { xmlChanged, etagChanged, missedBump: xmlChanged && !etagChanged };
}

async function mp3(seconds: number): Promise<{ file: string; sha256: string; size: number }> {
  const file = path.join(os.tmpdir(), `pp-feed-version-${crypto.randomUUID()}.mp3`);
  execFileSync(ffmpeg(), ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`, "-c:a", "libmp3lame", "-b:a", "64k", file]);
  const data = fs.readFileSync(file);
  return { file, sha256: crypto.createHash("sha256").update(data).digest("hex"), size: data.length };
}

async function opusFile(seconds: number): Promise<{ file: string; sha256: string; size: number }> {
  const file = path.join(os.tmpdir(), `pp-feed-version-${crypto.randomUUID()}.opus`);
  execFileSync(ffmpeg(), ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", `sine=frequency=330:duration=${seconds}`, "-ar", "48000", "-c:a", "libopus", "-b:a", "48k", "-f", "ogg", file]);
  const data = fs.readFileSync(file);
  return { file, sha256: crypto.createHash("sha256").update(data).digest("hex"), size: data.length };
}

async function upload(viewer: { userId: string }, seconds: number) {
  const { file, sha256, size } = await mp3(seconds);
  return (await ingestUpload(viewer, { tempPath: file, originalFilename: "x.mp3", sizeBytes: size, sha256 })).file;
}

/** A show with one published episode, whose feed has been looked at. */
async function show() {
  const user = await makeUser();
  const podcast = await makePodcast(user.viewer, { ownerEmail: "owner@example.com", category: "Technology" });
  const ep = await makePublishedEpisode(user.viewer, podcast.id, { title: "Published one" });
  return { user, viewer: user.viewer, podcast, slug: podcast.slug, ep };
}

/** An active processing of `episodeId`, as startProcessing leaves it (without sending the event). */
async function activeProcessing(ownerId: string, episodeId: string, sourceFileId: string) {
  const id = crypto.randomUUID();
  const now = new Date();
  await db.insert(tables.episodeProcessing).values({ id, episodeId, ownerId, status: "running", progress: 0, step: "master", sourceFileId, options: {}, createdAt: now, updatedAt: now });
  return id;
}

type Case = { alters: boolean; run: () => Promise<{ xmlChanged: boolean; etagChanged: boolean; missedBump: boolean }> };

/** Keyed "file:function" as found in the source. `alters`: whether this case changes the XML. */
const cases: Record<string, Case[]> = {
  "podcasts.ts:createPodcast": [
    {
      alters: true, // from no feed to one
      run: async () => {
        const user = await makeUser();
        const slug = `new-${crypto.randomUUID().slice(0, 8)}`;
        return across(slug, () => createPodcast(user.viewer, { title: "New", slug } as Parameters<typeof createPodcast>[1]));
      },
    },
  ],
  "podcasts.ts:updatePodcast": [
    { alters: true, run: async () => { const s = await show(); return across(s.slug, () => updatePodcast(s.viewer, s.podcast.id, { title: "Renamed show" })); } },
    { alters: true, run: async () => { const s = await show(); return across(s.slug, () => updatePodcast(s.viewer, s.podcast.id, { copyright: "© Somebody else" })); } },
    // A show made private has no public feed any more (and its subscribers' feeds are rebuilt).
    { alters: true, run: async () => { const s = await show(); return across(s.slug, () => updatePodcast(s.viewer, s.podcast.id, { visibility: "private" })); } },
    // Renditions off: the alternate enclosures leave the feed (and on again, come back).
    {
      alters: true,
      run: async () => {
        const s = await show();
        const source = await upload(s.viewer, 2);
        const id = await activeProcessing(s.user.id, s.ep.id, source.id);
        const out = await mp3(5);
        const opus = await opusFile(5);
        const key = (await storeProcessingOutput(id, out.file, { opus: opus.file }))!;
        await completeProcessing(id, { key, sha256: out.sha256, sizeBytes: out.size, durationSeconds: 5, stats: {}, waveform: null, opus: { key: opusKeyFor(id), sha256: opus.sha256, sizeBytes: opus.size, channels: 1 } });
        return across(s.slug, () => updatePodcast(s.viewer, s.podcast.id, { opusRendition: false }));
      },
    },
  ],
  "public.ts:keepPodcastGuid": [
    {
      alters: false, // it keeps the GUID the feed already carries
      run: async () => {
        const s = await show();
        return across(s.slug, () => keepPodcastGuid(s.podcast.id, podcastGuid(urls.feed(BASE, s.slug))));
      },
    },
  ],
  "accent.ts:backfillAccentColor": [
    {
      alters: false, // the feed carries no accent colour
      run: async () => {
        const s = await show();
        const fixtures = makeFixtureDir();
        const file = await uploadFromPath(s.viewer, fixtures.png("cover.png", 1400));
        fixtures.cleanup();
        await updatePodcast(s.viewer, s.podcast.id, { coverFileId: file.id });
        await db.update(tables.podcasts).set({ accentColor: null }).where(eq(tables.podcasts.id, s.podcast.id));
        return across(s.slug, async () => expect(await backfillAccentColor(s.podcast.id, file.id)).toMatch(/^#[0-9a-f]{6}$/));
      },
    },
  ],
  "podcasts.ts:deletePodcast": [{ alters: true, run: async () => { const s = await show(); return across(s.slug, () => deletePodcast(s.viewer, s.podcast.id)); } }],
  "members.ts:transferPodcast": [
    {
      alters: false,
      run: async () => {
        const s = await show();
        const other = await makeUser();
        const member = await addMember(s.viewer, s.podcast.id, other, "admin");
        return across(s.slug, () => transferPodcast(s.viewer, s.podcast.id, member.id));
      },
    },
  ],
  "episodes.ts:createEpisode": [{ alters: false, run: async () => { const s = await show(); return across(s.slug, () => createEpisode(s.viewer, s.podcast.id, { title: "A draft" } as Parameters<typeof createEpisode>[2])); } }],
  "episodes.ts:updateEpisode": [
    { alters: true, run: async () => { const s = await show(); return across(s.slug, () => updateEpisode(s.viewer, s.ep.id, { title: "Renamed episode" })); } },
    { alters: true, run: async () => { const s = await show(); return across(s.slug, () => updateEpisode(s.viewer, s.ep.id, { description: "<p>New notes</p>" })); } },
    { alters: true, run: async () => { const s = await show(); return across(s.slug, () => updateEpisode(s.viewer, s.ep.id, { slug: "moved-episode" })); } },
    // Supporter-only: the episode leaves the public feed.
    { alters: true, run: async () => { const s = await show(); return across(s.slug, () => updateEpisode(s.viewer, s.ep.id, { access: "subscribers" })); } },
  ],
  "episodes.ts:deleteEpisode": [{ alters: true, run: async () => { const s = await show(); return across(s.slug, () => deleteEpisode(s.viewer, s.ep.id)); } }],
  "publishing.ts:publishEpisode": [
    {
      alters: true,
      run: async () => {
        const s = await show();
        await db.update(tables.episodes).set({ status: "ready", publishedAt: null }).where(eq(tables.episodes.id, s.ep.id));
        return across(s.slug, () => publishEpisode(s.viewer, s.ep.id));
      },
    },
    // Rescheduling a published episode takes it off the feed until then.
    { alters: true, run: async () => { const s = await show(); return across(s.slug, () => publishEpisode(s.viewer, s.ep.id, new Date(Date.now() + 3_600_000))); } },
  ],
  "publishing.ts:unpublishEpisode": [{ alters: true, run: async () => { const s = await show(); return across(s.slug, () => unpublishEpisode(s.viewer, s.ep.id)); } }],
  "publishing.ts:publishScheduledEpisode": [
    {
      alters: true,
      run: async () => {
        const s = await show();
        const at = new Date(Math.floor(Date.now() / 1000) * 1000);
        await db.update(tables.episodes).set({ status: "scheduled", publishAt: at, publishedAt: null }).where(eq(tables.episodes.id, s.ep.id));
        return across(s.slug, () => publishScheduledEpisode(s.ep.id, at));
      },
    },
  ],
  "episode-extras.ts:setTranscript": [{ alters: true, run: async () => { const s = await show(); return across(s.slug, () => setTranscript(s.viewer, s.ep.id, { text: "1\n00:00:00,000 --> 00:00:01,000\nHello\n", format: "srt" })); } }],
  "episode-extras.ts:removeTranscript": [
    {
      alters: true,
      run: async () => {
        const s = await show();
        await setTranscript(s.viewer, s.ep.id, { text: "WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n", format: "vtt" });
        return across(s.slug, () => removeTranscript(s.viewer, s.ep.id));
      },
    },
  ],
  "episode-extras.ts:setChapters": [{ alters: true, run: async () => { const s = await show(); return across(s.slug, () => setChapters(s.viewer, s.ep.id, [{ startSeconds: 0, title: "Start" }])); } }],
  "processing.ts:startProcessing": [
    {
      alters: false, // a published episode keeps its audio (and its place) until the run succeeds
      run: async () => {
        const s = await show();
        const source = await upload(s.viewer, 2);
        return across(s.slug, () => startProcessing(s.viewer, s.ep.id, { audioFileId: source.id }));
      },
    },
  ],
  "processing.ts:settleEpisodeStatus": [
    {
      alters: false,
      run: async () => {
        const s = await show();
        const source = await upload(s.viewer, 2);
        const draft = await makeEpisode(s.viewer, s.podcast.id);
        await db.update(tables.episodes).set({ status: "processing" }).where(eq(tables.episodes.id, draft.id));
        const id = await activeProcessing(s.user.id, draft.id, source.id);
        return across(s.slug, () => failProcessing(id, "The recording could not be decoded."));
      },
    },
    {
      alters: false,
      run: async () => {
        const s = await show();
        const source = await upload(s.viewer, 2);
        await activeProcessing(s.user.id, s.ep.id, source.id);
        return across(s.slug, () => cancelProcessing(s.viewer, s.ep.id));
      },
    },
  ],
  "processing.ts:completeProcessing": [
    {
      alters: true, // a re-mastered published episode: a new enclosure length
      run: async () => {
        const s = await show();
        const source = await upload(s.viewer, 2);
        const id = await activeProcessing(s.user.id, s.ep.id, source.id);
        const out = await mp3(5);
        const key = (await storeProcessingOutput(id, out.file))!;
        return across(s.slug, () => completeProcessing(id, { key, sha256: out.sha256, sizeBytes: out.size, durationSeconds: 5, stats: {}, waveform: null }));
      },
    },
    {
      alters: true, // with an Opus rendition stored beside it: podcast:alternateEnclosure appears
      run: async () => {
        const s = await show();
        const source = await upload(s.viewer, 2);
        const id = await activeProcessing(s.user.id, s.ep.id, source.id);
        const out = await mp3(5);
        const opus = await opusFile(5);
        const key = (await storeProcessingOutput(id, out.file, { opus: opus.file }))!;
        const result = await across(s.slug, () =>
          completeProcessing(id, { key, sha256: out.sha256, sizeBytes: out.size, durationSeconds: 5, stats: {}, waveform: null, opus: { key: opusKeyFor(id), sha256: opus.sha256, sizeBytes: opus.size, channels: 1 } }),
        );
        expect((await snapshot(s.slug))!.xml).toContain('type="audio/opus"');
        return result;
      },
    },
  ],
  "media.ts:ingestUpload": [{ alters: false, run: async () => { const s = await show(); return across(s.slug, () => upload(s.viewer, 1)); } }],
  "media.ts:renameMediaFile": [{ alters: false, run: async () => { const s = await show(); return across(s.slug, () => renameMediaFile(s.viewer, s.ep.audioFileId, "renamed.mp3")); } }],
  "media.ts:deleteMediaFile": [
    {
      alters: false,
      run: async () => {
        const s = await show();
        const unused = await upload(s.viewer, 1);
        return across(s.slug, () => deleteMediaFile(s.viewer, unused.id));
      },
    },
  ],
};

/** "file:function" of every function in lib/data that writes podcasts, episodes or media files. */
function writersInSource(): string[] {
  const dir = __dirname;
  const found = new Set<string>();
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith(".ts") || name.endsWith(".test.ts") || name === "feed-version.ts") continue;
    const src = fs.readFileSync(path.join(dir, name), "utf8");
    const write = /\.(insert|update|delete)\(\s*tables\.(podcasts|episodes|mediaFiles)\s*\)/g;
    for (let m = write.exec(src); m; m = write.exec(src)) {
      const before = src.slice(0, m.index);
      const fns = [...before.matchAll(/^(?:export )?(?:async )?function (\w+)/gm)];
      found.add(`${name}:${fns.at(-1)?.[1] ?? "(top level)"}`);
    }
  }
  return [...found].sort();
}

/**
 * The import's writers need an old host to fetch from: inngest/functions/import-podcast.test.ts
 * runs them, polling the new feed while the import runs (so each version read is cached) and
 * checking the feed afterwards. Here, each must at least bump the version in its own body.
 */
const COVERED_BY_IMPORT_TEST = ["imports.ts:importEpisodeExtras", "imports.ts:importPodcastCover", "imports.ts:publishImportedEpisode", "imports.ts:readImportFeed"];

function bodyOf(writer: string): string {
  const [file, fn] = writer.split(":") as [string, string];
  const src = fs.readFileSync(path.join(__dirname, file), "utf8");
  const start = src.search(new RegExp(`^(?:export )?(?:async )?function ${fn}\\b`, "m"));
  const next = src.slice(start + 1).search(/^(?:export )?(?:async )?function \w+/m);
  return next < 0 ? src.slice(start) : src.slice(start, start + 1 + next);
}

describe("feed version", () => {
  it("has a case for every function in lib/data that writes podcasts, episodes or media files", () => {
    const writers = writersInSource();
    expect(writers.length).toBeGreaterThan(10);
    for (const w of COVERED_BY_IMPORT_TEST) {
      expect(writers, w).toContain(w);
      expect(bodyOf(w), `${w} must bump the feed version`).toMatch(/bumpFeedVersion(OfEpisode)?\(tx, /);
    }
    expect(writers.filter((w) => !cases[w] && !COVERED_BY_IMPORT_TEST.includes(w))).toEqual([]);
    expect(Object.keys(cases).filter((c) => !writers.includes(c))).toEqual([]);
  });

  for (const [name, list] of Object.entries(cases)) {
    it(`changes the ETag whenever ${name} changes the feed`, async () => {
      for (const c of list) {
        const result = await c.run();
        expect(result.missedBump, `${name} changed the feed's XML but not its ETag`).toBe(false);
        // The case itself must exercise what it says, or the check above proves nothing.
        expect(result.xmlChanged).toBe(c.alters);
      }
    }, 60_000);
  }

  it("notices a write that changes the feed without bumping its version", async () => {
    const s = await show();
    const result = await across(s.slug, () => db.update(tables.episodes).set({ title: "Changed behind its back" }).where(eq(tables.episodes.id, s.ep.id)));
    expect(result).toEqual({ xmlChanged: true, etagChanged: false, missedBump: true });
  });
});
