import "server-only";
import fsp from "node:fs/promises";
import path from "node:path";
import { and, asc, count, eq, inArray, like, or } from "drizzle-orm";
import { db, tables } from "@/db";
import { transaction } from "@/db/tx";
import { inngest } from "@/inngest/client";
import { importRequested } from "@/inngest/events";
import type { Viewer } from "@/lib/auth/viewer";
import { parseJsonChapters } from "@/lib/chapters";
import { getEnv } from "@/lib/env";
import { AppError, notFound } from "@/lib/errors";
import { isUuid, newId } from "@/lib/ids";
import { decodeFeed, parseFeed, type ParsedFeed, type ParsedItem } from "@/lib/import/parse-feed";
import { colourModel } from "@/lib/media/colour-model";
import { checkFetchUrl, fetchBuffer, fetchToFile, guardedFetch } from "@/lib/net/guarded-fetch";
import { readHead, scratchDir } from "@/lib/storage";
import { MAX_TRANSCRIPT_BYTES, detectTranscriptFormat, parseTranscript } from "@/lib/transcripts";
import { quotaExceeded } from "@/lib/uploads/receive";
import { createPodcastSchema } from "@/lib/validation/podcast";
import { accentOfCover } from "./accent";
import { setChapters, setTranscript } from "./episode-extras";
import { bumpFeedVersion, bumpFeedVersionOfEpisode } from "./feed-version";
import { ingestUpload, storageUsed, type MediaFile } from "./media";
import { keysetAfter, toPage, type Page } from "./pagination";
import { withFreeSlug } from "./slugs";
import { requirePodcastRole } from "./access";
import { coverColourProblem, coverProblem, createPodcast, getPodcast, updatePodcast } from "./podcasts";
import { urls } from "@/lib/urls";

/**
 * Imports of podcasts from other hosts, by feed URL. The viewer-facing half starts and reads
 * imports (someone else's import is not_found); the worker half is what the durable functions
 * (inngest/functions/import-podcast.ts, import-episode.ts) call, one durable step each, with
 * the owner as viewer. Every worker function is safe to run twice.
 */

/** The feed document's size limit. */
export const MAX_FEED_BYTES = 20 * 1024 * 1024;
/** Covers, transcripts and chapters are small; more is not what they claim to be. */
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
const MAX_CHAPTERS_BYTES = 1024 * 1024;
/** Episodes of one import downloading at once (each run sends the next when it ends). */
export const IMPORT_PARALLEL_EPISODES = 2;

type ImportRow = typeof tables.imports.$inferSelect;
type ItemRow = typeof tables.importItems.$inferSelect;
export type ImportStatus = ImportRow["status"];

export interface ImportError {
  guid: string;
  title: string;
  message: string;
}

export interface Import {
  id: string;
  feedUrl: string;
  status: ImportStatus;
  progress: number;
  podcastId: string | null;
  episodes: { total: number; imported: number; failed: number; skipped: number };
  errors: ImportError[];
  notes: string[];
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface ImportItem {
  guid: string;
  title: string;
  status: ItemRow["status"];
  error: string | null;
  episodeId: string | null;
}

async function itemCounts(importIds: string[]) {
  const out = new Map<string, Record<ItemRow["status"], number>>();
  if (importIds.length === 0) return out;
  const rows = await db
    .select({ importId: tables.importItems.importId, status: tables.importItems.status, n: count() })
    .from(tables.importItems)
    .where(inArray(tables.importItems.importId, importIds))
    .groupBy(tables.importItems.importId, tables.importItems.status);
  for (const r of rows) {
    const c = out.get(r.importId) ?? { pending: 0, queued: 0, running: 0, imported: 0, failed: 0 };
    c[r.status] = Number(r.n);
    out.set(r.importId, c);
  }
  return out;
}

async function failedItems(importId: string): Promise<ImportError[]> {
  const rows = await db
    .select({ guid: tables.importItems.guid, title: tables.importItems.title, error: tables.importItems.error })
    .from(tables.importItems)
    .where(and(eq(tables.importItems.importId, importId), eq(tables.importItems.status, "failed")))
    .orderBy(asc(tables.importItems.position));
  return rows.map((r) => ({ guid: r.guid, title: r.title, message: r.error ?? "The episode could not be imported." }));
}

function toImport(row: ImportRow, counts: Record<ItemRow["status"], number> | undefined, errors: ImportError[]): Import {
  const c = counts ?? { pending: 0, queued: 0, running: 0, imported: 0, failed: 0 };
  const total = c.pending + c.queued + c.running + c.imported + c.failed;
  const done = c.imported + c.failed;
  const finished = row.status === "succeeded" || row.status === "partial" || row.status === "failed";
  return {
    id: row.id,
    feedUrl: row.feedUrl,
    status: row.status,
    // The feed read counts as the first tenth; episodes share the rest.
    progress: finished ? 1 : row.status === "queued" ? 0 : total === 0 ? 0.05 : Math.min(0.99, 0.1 + (0.9 * done) / total),
    podcastId: row.podcastId,
    episodes: { total, imported: c.imported, failed: c.failed, skipped: row.skipped },
    errors,
    notes: row.notes,
    error: row.error,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

async function ownImportRow(viewer: Viewer, importId: string): Promise<ImportRow> {
  if (!isUuid(importId)) throw notFound("Import");
  const [row] = await db
    .select()
    .from(tables.imports)
    .where(and(eq(tables.imports.id, importId), eq(tables.imports.ownerId, viewer.userId)));
  if (!row) throw notFound("Import");
  return row;
}

/** The viewer's podcast already imported from `feedUrl` (or with this podcast:guid), if any. */
async function findImportedPodcast(viewer: Viewer, feedUrl: string, podcastGuid?: string | null): Promise<string | null> {
  const p = tables.podcasts;
  const [row] = await db
    .select({ id: p.id })
    .from(p)
    .where(
      and(
        eq(p.ownerId, viewer.userId),
        podcastGuid ? or(eq(p.importedFromUrl, feedUrl), eq(p.sourcePodcastGuid, podcastGuid)) : eq(p.importedFromUrl, feedUrl),
      ),
    )
    .limit(1);
  return row?.id ?? null;
}

/**
 * Starts importing the podcast at `feedUrl` for the viewer. Importing a feed the viewer already
 * imported syncs that podcast (`podcastId` set): only new GUIDs are added. One import of a feed
 * runs at a time.
 */
export async function startImport(viewer: Viewer, feedUrl: string): Promise<Import> {
  const url = checkFetchUrl(feedUrl, "feedUrl").toString();
  const [active] = await db
    .select({ id: tables.imports.id })
    .from(tables.imports)
    .where(and(eq(tables.imports.ownerId, viewer.userId), eq(tables.imports.feedUrl, url), inArray(tables.imports.status, ["queued", "running"])))
    .limit(1);
  if (active) throw new AppError("conflict", "This feed is being imported already; wait for that import to finish.", { details: { importId: active.id } });
  const now = new Date();
  const [row] = await db
    .insert(tables.imports)
    .values({
      id: newId(),
      ownerId: viewer.userId,
      feedUrl: url,
      podcastId: await findImportedPodcast(viewer, url),
      status: "queued",
      notes: [],
      skipped: 0,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await inngest.send(importRequested.create({ userId: viewer.userId, importId: row!.id }));
  return toImport(row!, undefined, []);
}

/** One of the viewer's imports, with its counts and the episodes that failed. */
export async function getImport(viewer: Viewer, importId: string): Promise<Import> {
  const row = await ownImportRow(viewer, importId);
  const counts = await itemCounts([row.id]);
  return toImport(row, counts.get(row.id), await failedItems(row.id));
}

/** The episodes of one of the viewer's imports, in feed order (for the progress page). */
export async function listImportItems(viewer: Viewer, importId: string): Promise<ImportItem[]> {
  const row = await ownImportRow(viewer, importId);
  const rows = await db
    .select()
    .from(tables.importItems)
    .where(eq(tables.importItems.importId, row.id))
    .orderBy(asc(tables.importItems.position));
  return rows.map((r) => ({ guid: r.guid, title: r.title, status: r.status, error: r.error, episodeId: r.episodeId }));
}

/** The viewer's imports, newest first. */
export async function listImports(viewer: Viewer, opts: { limit: number; cursor?: string }): Promise<Page<Import>> {
  const { where, orderBy } = keysetAfter(tables.imports, opts.cursor);
  const rows = await db
    .select()
    .from(tables.imports)
    .where(and(eq(tables.imports.ownerId, viewer.userId), where))
    .orderBy(...orderBy)
    .limit(opts.limit + 1);
  const counts = await itemCounts(rows.map((r) => r.id));
  const errors = new Map<string, ImportError[]>();
  for (const r of rows.slice(0, opts.limit)) if (counts.get(r.id)?.failed) errors.set(r.id, await failedItems(r.id));
  return toPage(rows, opts.limit, (r) => toImport(r, counts.get(r.id), errors.get(r.id) ?? []));
}

/** The newest import that created or synced a podcast of the viewer's, if any. */
export async function latestImportOfPodcast(viewer: Viewer, podcastId: string): Promise<Import | null> {
  const [row] = await db
    .select()
    .from(tables.imports)
    .where(and(eq(tables.imports.ownerId, viewer.userId), eq(tables.imports.podcastId, podcastId)))
    .orderBy(...keysetAfter(tables.imports, undefined).orderBy)
    .limit(1);
  if (!row) return null;
  const counts = await itemCounts([row.id]);
  return toImport(row, counts.get(row.id), await failedItems(row.id));
}

// ---- The worker half: called from the durable functions, one step each. ----

async function addNotes(importId: string, notes: string[]) {
  if (notes.length === 0) return;
  const [row] = await db.select({ notes: tables.imports.notes }).from(tables.imports).where(eq(tables.imports.id, importId));
  if (!row) return;
  const merged = [...row.notes, ...notes.filter((n) => !row.notes.includes(n))];
  await db.update(tables.imports).set({ notes: merged, updatedAt: new Date() }).where(eq(tables.imports.id, importId));
}

/** Marks the whole import failed with a reason written for the podcaster. */
export async function failImport(importId: string, reason: string): Promise<void> {
  const now = new Date();
  await db
    .update(tables.imports)
    .set({ status: "failed", error: reason, finishedAt: now, updatedAt: now })
    .where(and(eq(tables.imports.id, importId), inArray(tables.imports.status, ["queued", "running"])));
}

function podcastFields(feed: ParsedFeed, notes: string[]) {
  let description = feed.description;
  if (description.length > 4000) {
    notes.push("The show's description was longer than 4000 characters (Apple's limit) and was shortened.");
    description = description.slice(0, 4000);
  }
  const input: Record<string, unknown> = {
    title: feed.title,
    description,
    author: feed.author,
    ownerName: feed.ownerName,
    ownerEmail: feed.ownerEmail,
    language: feed.language,
    category: feed.category,
    subcategory: feed.subcategory,
    explicit: feed.explicit,
    type: feed.type,
    website: feed.website,
    copyright: feed.copyright,
  };
  // A field the app's own rules refuse is left out and named, rather than failing the import.
  let parsed = createPodcastSchema.safeParse(input);
  for (let i = 0; !parsed.success && i < 3; i++) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "");
      if (field && field !== "title" && field in input) {
        notes.push(`The show's ${field} ("${String(input[field])}") was left out: ${issue.message}`);
        delete input[field];
      }
    }
    parsed = createPodcastSchema.safeParse(input);
  }
  if (!parsed.success) throw new AppError("invalid", `The feed's channel could not be used: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

/**
 * Step "fetch and parse the feed": reads the feed through the guarded fetch, creates the podcast
 * (or updates the one this feed or its podcast:guid was imported into: a sync), and lists every
 * item whose GUID the podcast does not have yet as an import item. Returns small JSON.
 */
export async function readImportFeed(viewer: Viewer, importId: string): Promise<{ podcastId: string; items: number; skipped: number; coverUrl: string | null }> {
  const row = await ownImportRow(viewer, importId);
  await db.update(tables.imports).set({ status: "running", updatedAt: new Date() }).where(and(eq(tables.imports.id, row.id), eq(tables.imports.status, "queued")));
  const { body } = await fetchBuffer(row.feedUrl, {
    maxBytes: MAX_FEED_BYTES,
    tooLargeMessage: `The feed is larger than ${MAX_FEED_BYTES / 1024 / 1024} MB, more than any podcast feed should be.`,
    what: "the feed",
  });
  const feed = parseFeed(decodeFeed(body));
  const notes = [...feed.notes];
  const fields = podcastFields(feed, notes);
  let podcastId = row.podcastId ?? (await findImportedPodcast(viewer, row.feedUrl, feed.podcastGuid));
  if (podcastId) {
    const { title, description, author, ownerName, ownerEmail, language, category, subcategory, explicit, type, website, copyright } = fields;
    await updatePodcast(viewer, podcastId, { title, description, author, ownerName, ownerEmail, language, category, subcategory, explicit, type, website, copyright });
  } else {
    // Created with its source marked in the same insert, so a retry of this step finds it
    // (by feed URL) instead of creating a second podcast.
    const marked = { ...fields, importedFromUrl: row.feedUrl, sourcePodcastGuid: feed.podcastGuid };
    podcastId = (await createPodcast(viewer, marked as typeof fields)).id;
  }
  const id = podcastId;
  await transaction(async (tx) => {
    await tx
      .update(tables.podcasts)
      .set({ importedFromUrl: row.feedUrl, sourcePodcastGuid: feed.podcastGuid, updatedAt: new Date() })
      .where(and(eq(tables.podcasts.id, id), eq(tables.podcasts.ownerId, viewer.userId)));
    // The feed's podcast:guid is the old host's from now on.
    await bumpFeedVersion(tx, id);
  });

  // Episodes this podcast already has, by GUID. A draft an earlier import left without audio (its
  // media could not be fetched) is tried again; the episode itself is reused, never duplicated.
  const have = new Set(
    (
      await db
        .select({ guid: tables.episodes.guid, audio: tables.episodes.audioFileId, status: tables.episodes.status })
        .from(tables.episodes)
        .where(eq(tables.episodes.podcastId, podcastId))
    )
      .filter((r) => r.audio !== null || r.status !== "draft")
      .map((r) => r.guid),
  );
  const fresh = feed.items.filter((i) => !have.has(i.guid));
  const now = new Date();
  for (let i = 0; i < fresh.length; i += 100) {
    const batch = fresh.slice(i, i + 100).map((item, j) => ({
      id: newId(),
      importId: row.id,
      position: i + j,
      guid: item.guid,
      title: item.title,
      status: "pending" as const,
      source: item as unknown as Record<string, unknown>,
      createdAt: now,
      updatedAt: now,
    }));
    // A second run of this step finds its items already there.
    await db.insert(tables.importItems).values(batch).onConflictDoNothing();
  }
  const skipped = feed.items.length - fresh.length;
  await db.update(tables.imports).set({ podcastId, skipped, updatedAt: new Date() }).where(eq(tables.imports.id, row.id));
  await addNotes(row.id, notes);
  return { podcastId, items: fresh.length, skipped, coverUrl: feed.coverUrl };
}

/**
 * Downloads a URL (through the guarded fetch) into the viewer's media library, sniffed like an
 * upload and within the upload limit and the storage quota. The file keeps its bytes as they are.
 */
async function downloadToLibrary(viewer: Viewer, url: string, what: string, maxBytes: number): Promise<MediaFile> {
  const env = getEnv();
  const used = await storageUsed(viewer);
  const left = env.STORAGE_QUOTA_BYTES - used;
  if (left <= 0) throw quotaExceeded(env.STORAGE_QUOTA_BYTES, used);
  const limit = Math.min(maxBytes, left);
  const tooLargeMessage =
    limit < maxBytes
      ? quotaExceeded(env.STORAGE_QUOTA_BYTES, used).message
      : `The ${what} is larger than the limit of ${Math.round(maxBytes / 1024 / 1024)} MB.`;
  const tmp = path.join(await scratchDir("uploads"), `${newId()}.import`);
  try {
    const got = await fetchToFile(url, tmp, { maxBytes: limit, tooLargeMessage, what: `the ${what}` });
    const name = decodeURIComponent(new URL(got.url).pathname.split("/").pop() || what).slice(0, 200) || what;
    const { file } = await ingestUpload(viewer, { tempPath: tmp, originalFilename: name, sizeBytes: got.sizeBytes, sha256: got.sha256 });
    return file;
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

/** Why an image cannot be a cover, or null. */
async function coverRuleProblem(viewer: Viewer, file: MediaFile): Promise<string | null> {
  if (file.kind !== "image") return "it is not an image";
  const [row] = await db
    .select({ storageKey: tables.mediaFiles.storageKey })
    .from(tables.mediaFiles)
    .where(and(eq(tables.mediaFiles.id, file.id), eq(tables.mediaFiles.ownerId, viewer.userId)));
  return (
    coverProblem(file.width ?? 0, file.height ?? 0) ??
    coverColourProblem(colourModel(await readHead(row!.storageKey, Math.min(file.sizeBytes, 1024 * 1024))))
  );
}

/**
 * Step "import the cover": the show's cover, validated like an upload. One that breaks the
 * cover rules stays in the media library and the import says why, instead of disappearing.
 */
export async function importPodcastCover(viewer: Viewer, importId: string, podcastId: string, coverUrl: string): Promise<{ fileId: string | null }> {
  await getPodcast(viewer, podcastId);
  let file: MediaFile;
  try {
    file = await downloadToLibrary(viewer, coverUrl, "cover", MAX_IMAGE_BYTES);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    await addNotes(importId, [`The cover art could not be imported: ${err.message}`]);
    return { fileId: null };
  }
  const problem = await coverRuleProblem(viewer, file);
  if (problem) {
    await addNotes(importId, [
      `The old cover art breaks the cover rules (${problem.replace(/\.$/, "")}); it is in your media library as "${file.originalFilename}" but is not the podcast's cover. Upload a cover that follows the rules.`,
    ]);
    return { fileId: null };
  }
  const accentColor = await accentOfCover(file.id);
  await transaction(async (tx) => {
    await tx.update(tables.podcasts).set({ coverFileId: file.id, accentColor, updatedAt: new Date() }).where(and(eq(tables.podcasts.id, podcastId), eq(tables.podcasts.ownerId, viewer.userId)));
    await bumpFeedVersion(tx, podcastId);
  });
  return { fileId: file.id };
}

/**
 * Marks up to `n` pending items of an import queued on behalf of `by` (the import itself, or
 * the item whose run hands over) and returns their ids. Safe to run twice: what `by` claimed
 * before is returned again, so a step that ran but was not recorded never strands an item.
 */
export async function claimNextImportItems(importId: string, n: number, by: string): Promise<string[]> {
  const it = tables.importItems;
  const mine = await db
    .select({ id: it.id })
    .from(it)
    .where(and(eq(it.importId, importId), eq(it.queuedBy, by)))
    .orderBy(asc(it.position));
  const claimed = mine.map((r) => r.id);
  if (claimed.length >= n) return claimed.slice(0, n);
  const candidates = await db
    .select({ id: it.id })
    .from(it)
    .where(and(eq(it.importId, importId), eq(it.status, "pending")))
    .orderBy(asc(it.position))
    .limit((n - claimed.length) * 2);
  for (const c of candidates) {
    if (claimed.length >= n) break;
    const rows = await db
      .update(it)
      .set({ status: "queued", queuedBy: by, updatedAt: new Date() })
      .where(and(eq(it.id, c.id), eq(it.status, "pending")))
      .returning({ id: it.id });
    if (rows.length) claimed.push(c.id);
  }
  return claimed;
}

/**
 * Ends the import once none of its items is left to do: succeeded, partial (some episodes
 * failed), or failed when not one of them could be imported. Safe to call any number of times.
 */
export async function settleImport(importId: string): Promise<ImportStatus | null> {
  const counts = (await itemCounts([importId])).get(importId) ?? { pending: 0, queued: 0, running: 0, imported: 0, failed: 0 };
  if (counts.pending + counts.queued + counts.running > 0) return null;
  const [row] = await db.select({ skipped: tables.imports.skipped }).from(tables.imports).where(eq(tables.imports.id, importId));
  // "failed" is for an import that brought nothing at all; a sync of a show already here is partial.
  const status: ImportStatus = counts.failed === 0 ? "succeeded" : counts.imported === 0 && !row?.skipped ? "failed" : "partial";
  const error = status === "failed" ? `None of the ${counts.failed} episodes could be imported; each one's reason is listed.` : null;
  const now = new Date();
  await db
    .update(tables.imports)
    .set({ status, error, finishedAt: now, updatedAt: now })
    .where(and(eq(tables.imports.id, importId), eq(tables.imports.status, "running")));
  return status;
}

async function itemRow(viewer: Viewer, importId: string, itemId: string) {
  const imp = await ownImportRow(viewer, importId);
  const [item] = await db
    .select()
    .from(tables.importItems)
    .where(and(eq(tables.importItems.id, itemId), eq(tables.importItems.importId, imp.id)));
  if (!item || !imp.podcastId) throw notFound("Import item");
  return { imp, item, podcastId: imp.podcastId, source: item.source as unknown as ParsedItem };
}

class GuidTaken extends Error {}

/**
 * Step "create the episode": a draft with the item's metadata (notes sanitized, GUID as given),
 * or the one a previous attempt made.
 */
export async function createImportedEpisode(viewer: Viewer, importId: string, itemId: string): Promise<{ episodeId: string; done: boolean; extras: boolean }> {
  const { item, podcastId, source } = await itemRow(viewer, importId, itemId);
  // Whether there is a transcript, chapters or a cover to fetch (most items have none: no step).
  const extras = !!(source.transcript || source.chaptersUrl || source.coverUrl);
  if (item.status === "imported" || item.status === "failed") return { episodeId: item.episodeId ?? "", done: true, extras };
  const find = async () =>
    (await db.select({ id: tables.episodes.id }).from(tables.episodes).where(and(eq(tables.episodes.podcastId, podcastId), eq(tables.episodes.guid, source.guid))))[0]?.id;
  let episodeId = await find();
  if (!episodeId) {
    // One insert with the GUID as given, so a retry finds the episode instead of making another.
    const e = tables.episodes;
    const now = new Date();
    try {
      episodeId = await withFreeSlug({
        explicit: undefined,
        title: source.title,
        takenLike: async (base) => {
          const rows = await db.select({ slug: e.slug }).from(e).where(and(eq(e.podcastId, podcastId), or(eq(e.slug, base), like(e.slug, `${base}-%`))));
          return new Set(rows.map((r) => r.slug));
        },
        insert: async (slug) => {
          // The same GUID inserted meanwhile is not a slug clash: stop and use that episode.
          if (await find()) throw new GuidTaken();
          const [created] = await db
            .insert(e)
            .values({
              id: newId(),
              podcastId,
              slug,
              guid: source.guid,
              title: source.title,
              description: source.notes,
              seasonNumber: source.seasonNumber,
              episodeNumber: source.episodeNumber,
              episodeType: source.episodeType,
              explicit: source.explicit,
              status: "draft",
              createdAt: now,
              updatedAt: now,
            })
            .returning({ id: e.id });
          return created!.id;
        },
      });
    } catch (err) {
      episodeId = await find();
      if (!episodeId) throw err;
    }
  }
  await db.update(tables.importItems).set({ status: "running", episodeId, updatedAt: new Date() }).where(eq(tables.importItems.id, item.id));
  return { episodeId, done: false, extras };
}

/**
 * Step "download the audio": the enclosure, through redirects, stored as it is (no re-encoding),
 * sniffed like an upload. Returns the media file id, or the reason it cannot be imported (the
 * file's or the other host's fault) — errors on our side throw and are retried.
 */
export async function downloadEpisodeAudio(viewer: Viewer, importId: string, itemId: string): Promise<{ fileId: string } | { error: string }> {
  const { source } = await itemRow(viewer, importId, itemId);
  if (!source.enclosure) return { error: "The item has no audio file (no enclosure) in the old feed." };
  try {
    const file = await downloadToLibrary(viewer, source.enclosure.url, "audio file", getEnv().MAX_UPLOAD_BYTES);
    if (file.kind !== "audio") return { error: "The enclosure is an image, not audio." };
    return { fileId: file.id };
  } catch (err) {
    if (err instanceof AppError) {
      const fetch = err.details?.fetch;
      // A timeout, a broken connection or a server error at the old host may pass: the caller retries those.
      if (fetch === "timeout" || fetch === "network" || (fetch === "status" && Number(err.details?.status) >= 500)) throw err;
      return { error: `The audio could not be imported: ${err.message}` };
    }
    throw err;
  }
}

/**
 * Step "fetch the transcript, chapters and cover": each validated with the app's own parsers
 * and rules. Whatever fails is noted on the import; the episode is imported without it.
 */
export async function importEpisodeExtras(viewer: Viewer, importId: string, itemId: string, episodeId: string): Promise<{ transcript: boolean; chapters: boolean; cover: boolean }> {
  const { source } = await itemRow(viewer, importId, itemId);
  const notes: string[] = [];
  const label = `"${source.title}"`;
  let transcript = false;
  let chapters = false;
  let cover = false;
  if (source.transcript) {
    try {
      const { body } = await fetchBuffer(source.transcript.url, { maxBytes: MAX_TRANSCRIPT_BYTES, what: "the transcript" });
      const text = body.toString("utf8");
      const format = /vtt/i.test(source.transcript.type ?? "") ? "vtt" : /subrip|srt/i.test(source.transcript.type ?? "") ? "srt" : detectTranscriptFormat(text, source.transcript.url);
      const parsed = parseTranscript(text, format);
      if (parsed.ok) {
        await setTranscript(viewer, episodeId, { text, format });
        transcript = true;
      } else notes.push(`${label}: the transcript was left out (line ${parsed.line}: ${parsed.message}).`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      notes.push(`${label}: the transcript was left out (${err.message}).`);
    }
  }
  if (source.chaptersUrl) {
    try {
      const { body } = await fetchBuffer(source.chaptersUrl, { maxBytes: MAX_CHAPTERS_BYTES, what: "the chapters" });
      let json: unknown;
      try {
        json = JSON.parse(body.toString("utf8"));
      } catch {
        json = undefined;
      }
      const parsed = json === undefined ? { ok: false as const, message: "it is not JSON" } : parseJsonChapters(json);
      if (parsed.ok) {
        await setChapters(viewer, episodeId, parsed.chapters);
        chapters = true;
      } else notes.push(`${label}: the chapters were left out (${parsed.message}).`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      notes.push(`${label}: the chapters were left out (${err.message}).`);
    }
  }
  if (source.coverUrl) {
    try {
      const file = await downloadToLibrary(viewer, source.coverUrl, "episode cover", MAX_IMAGE_BYTES);
      const problem = await coverRuleProblem(viewer, file);
      if (problem) notes.push(`${label}: its cover art breaks the cover rules (${problem.replace(/\.$/, "")}); it is in your media library.`);
      else {
        await transaction(async (tx) => {
          await tx.update(tables.episodes).set({ coverFileId: file.id, updatedAt: new Date() }).where(eq(tables.episodes.id, episodeId));
          await bumpFeedVersionOfEpisode(tx, episodeId);
        });
        cover = true;
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      notes.push(`${label}: its cover art was left out (${err.message}).`);
    }
  }
  await addNotes(importId, notes);
  return { transcript, chapters, cover };
}

/**
 * Step "publish the episode": the downloaded audio becomes the episode's, with the duration and
 * size measured from the file, published at its original date.
 */
export async function publishImportedEpisode(viewer: Viewer, importId: string, itemId: string, episodeId: string, fileId: string): Promise<void> {
  const { item, source } = await itemRow(viewer, importId, itemId);
  const [file] = await db
    .select({ id: tables.mediaFiles.id, sizeBytes: tables.mediaFiles.sizeBytes, durationSeconds: tables.mediaFiles.durationSeconds })
    .from(tables.mediaFiles)
    .where(and(eq(tables.mediaFiles.id, fileId), eq(tables.mediaFiles.ownerId, viewer.userId)));
  if (!file) throw notFound("File");
  const now = new Date();
  const publishedAt = source.publishedAt ? new Date(source.publishedAt) : now;
  if (!source.publishedAt) await addNotes(importId, [`"${source.title}" had no readable publish date; it is dated the day of the import.`]);
  await transaction(async (tx) => {
    await tx
      .update(tables.episodes)
      .set({
        audioFileId: file.id,
        sizeBytes: file.sizeBytes,
        durationSeconds: file.durationSeconds == null ? null : Math.round(file.durationSeconds),
        status: "published",
        publishedAt,
        publishAt: null,
        updatedAt: now,
      })
      .where(eq(tables.episodes.id, episodeId));
    await bumpFeedVersionOfEpisode(tx, episodeId);
  });
  await db.update(tables.importItems).set({ status: "imported", error: null, updatedAt: now }).where(eq(tables.importItems.id, item.id));
}

/** Step "keep it as a draft": the episode stays a draft with its notes; the item lists why. */
export async function failImportItem(importId: string, itemId: string, reason: string): Promise<void> {
  await db
    .update(tables.importItems)
    .set({ status: "failed", error: reason, updatedAt: new Date() })
    .where(and(eq(tables.importItems.id, itemId), eq(tables.importItems.importId, importId), inArray(tables.importItems.status, ["pending", "queued", "running"])));
}

// ---- Moving away, and checking the old host's redirect. ----

/** Whether the old feed URL of an imported podcast now answers a permanent redirect to this app's feed. */
export async function checkOldFeedRedirect(
  viewer: Viewer,
  podcastId: string,
  base: string,
): Promise<{ oldFeedUrl: string; newFeedUrl: string; ok: boolean; status: number | null; location: string | null; message: string }> {
  // Admins and the owner: it fetches another host on the show's behalf.
  const { podcast } = await requirePodcastRole(viewer, podcastId, "admin");
  const row = { from: podcast.importedFromUrl };
  if (!row?.from) throw new AppError("conflict", "This podcast was not imported from another feed, so there is no old feed to check.");
  const newFeedUrl = urls.feed(base, podcast.slug);
  try {
    const res = await guardedFetch(row.from, { method: "GET", maxBytes: MAX_FEED_BYTES, followRedirects: false, timeoutMs: 15_000 });
    let namesThisFeed = false;
    if (res.status === 200) {
      // Hosts without redirects can name the new feed in the old one instead.
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) chunks.push(chunk as Buffer);
      const tag = decodeFeed(Buffer.concat(chunks)).match(/<itunes:new-feed-url>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)/i)?.[1];
      namesThisFeed = !!tag && tag.replace(/&amp;/g, "&").replace(/\/+$/, "") === newFeedUrl.replace(/\/+$/, "");
    } else res.body.destroy();
    const location = typeof res.headers.location === "string" ? new URL(res.headers.location, res.url).toString() : null;
    const same = location !== null && location.replace(/\/+$/, "") === newFeedUrl.replace(/\/+$/, "");
    if (res.status === 301 && same) return { oldFeedUrl: row.from, newFeedUrl, ok: true, status: 301, location, message: "The old feed answers 301 (moved permanently) to this feed. Podcast apps will follow it." };
    const message =
      res.status === 301 || res.status === 308
        ? `The old feed redirects permanently, but to ${location}, not to ${newFeedUrl}.`
        : [302, 303, 307].includes(res.status)
          ? `The old feed redirects to ${location}, but only temporarily (HTTP ${res.status}); apps keep using the old address. Make it a 301.`
          : namesThisFeed
            ? "The old feed does not redirect yet, but it names this feed in <itunes:new-feed-url>: Apple Podcasts will move subscribers. Add a 301 as well for every other app."
            : `The old feed still answers HTTP ${res.status} itself; no redirect yet.`;
    return { oldFeedUrl: row.from, newFeedUrl, ok: false, status: res.status, location, message };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { oldFeedUrl: row.from, newFeedUrl, ok: false, status: null, location: null, message: `The old feed could not be checked: ${err.message}` };
  }
}
