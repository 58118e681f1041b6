import "server-only";
import { and, desc, eq, inArray, isNotNull, isNull, Placeholder, sql } from "drizzle-orm";
import { db, getConnection, tables } from "@/db";
import { notFound } from "@/lib/errors";
import { unstorableTextProblem } from "@/lib/validation/text";
import { episodeFields } from "./episodes";
import { podcastFields } from "./podcasts";

/** Slugs from a URL can hold anything: one no column could store (a NUL) is simply not found, without a query PostgreSQL would refuse. */
const storable = (...slugs: string[]) => slugs.every((slug) => unstorableTextProblem(slug) === null);

/**
 * What anyone may see: public podcasts and their published episodes. Everything here answers
 * not_found for private podcasts, unknown slugs and episodes that are not published, alike.
 */

type PodcastRow = typeof tables.podcasts.$inferSelect;
type EpisodeRow = typeof tables.episodes.$inferSelect;

export interface PublicFile {
  id: string;
  mimeType: string;
  width: number | null;
  height: number | null;
  sizeBytes: number;
}

/** A podcast as anyone sees it: the fields it shares with its owner's view, plus the feed's own. */
export interface PublicPodcast extends ReturnType<typeof podcastFields> {
  locked: boolean;
  newFeedUrl: string | null;
  /** The show moved away: the feed answers 301 here and the page says so. */
  movedToFeedUrl: string | null;
  /**
   * The show's podcast:guid, once it has one: the old host's (kept by an import), or the one
   * its feed was first served with (`keepPodcastGuid`). Null until its feed is first built.
   */
  podcastGuid: string | null;
  cover: PublicFile | null;
  /** The cover's accent colour, "#rrggbb"; null without a cover or before it is computed (lib/data/accent.ts). */
  accentColor: string | null;
  /** Changes with every write that can alter the feed (lib/data/feed-version.ts). */
  feedVersion: string;
}

/** A published episode as anyone sees it. */
export interface PublicEpisode extends ReturnType<typeof episodeFields> {
  publishedAt: Date;
  audio: PublicFile & { sha256: string; storageKey: string; createdAt: Date };
  /** The Opus rendition (listed only while the podcast's `opusRendition` is on). */
  opus: (PublicFile & { sha256: string; storageKey: string; createdAt: Date }) | null;
  cover: PublicFile | null;
  chapters: { startSeconds: number; title: string }[] | null;
  transcriptFormat: "srt" | "vtt" | null;
  persons: NonNullable<EpisodeRow["persons"]>;
  soundbites: NonNullable<EpisodeRow["soundbites"]>;
}

// A function, not a constant: `tables` needs the connection, which must not open at import time.
const fileCols = () => ({
  id: tables.mediaFiles.id,
  mimeType: tables.mediaFiles.mimeType,
  width: tables.mediaFiles.width,
  height: tables.mediaFiles.height,
  sizeBytes: tables.mediaFiles.sizeBytes,
  sha256: tables.mediaFiles.sha256,
  storageKey: tables.mediaFiles.storageKey,
  createdAt: tables.mediaFiles.createdAt,
});

async function filesById(ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map<string, Awaited<ReturnType<typeof fetchFiles>>[number]>();
  const rows = await fetchFiles(wanted);
  return new Map(rows.map((r) => [r.id, r]));
}
const fetchFiles = (ids: string[]) => db.select(fileCols()).from(tables.mediaFiles).where(inArray(tables.mediaFiles.id, ids));

const publicFile = (f: { id: string; mimeType: string; width: number | null; height: number | null; sizeBytes: number }): PublicFile => ({
  id: f.id,
  mimeType: f.mimeType,
  width: f.width,
  height: f.height,
  sizeBytes: f.sizeBytes,
});

function toPublicPodcast(row: PodcastRow, cover: PublicFile | null): PublicPodcast {
  return { ...podcastFields(row), locked: row.locked, newFeedUrl: row.newFeedUrl, movedToFeedUrl: row.movedToFeedUrl, podcastGuid: row.sourcePodcastGuid ?? row.podcastGuid, cover, accentColor: cover ? row.accentColor : null, feedVersion: row.feedVersion };
}

/** A public podcast by slug. */
export async function getPublicPodcast(slug: string): Promise<PublicPodcast> {
  if (!storable(slug)) throw notFound("Podcast");
  const [row] = await db
    .select()
    .from(tables.podcasts)
    .where(and(eq(tables.podcasts.slug, slug), eq(tables.podcasts.isPrivate, false)));
  if (!row) throw notFound("Podcast");
  return withCover(row);
}

/** A podcast row as its feed shows it, with its cover. */
async function withCover(row: PodcastRow): Promise<PublicPodcast> {
  const files = await filesById([row.coverFileId]);
  const cover = row.coverFileId ? files.get(row.coverFileId) : undefined;
  return toPublicPodcast(row, cover ? publicFile(cover) : null);
}

/**
 * A podcast by id as its subscribers' feeds show it, private or not: only for
 * lib/data/subscriber-feed.ts, after it has checked a subscriber's token.
 */
export async function getPodcastForSubscribers(podcastId: string): Promise<PublicPodcast> {
  const [row] = await db.select().from(tables.podcasts).where(eq(tables.podcasts.id, podcastId));
  if (!row) throw notFound("Podcast");
  return withCover(row);
}

function toPublicEpisodes(rows: EpisodeRow[], files: Awaited<ReturnType<typeof filesById>>): PublicEpisode[] {
  const out: PublicEpisode[] = [];
  for (const row of rows) {
    const audio = row.audioFileId ? files.get(row.audioFileId) : undefined;
    if (!audio || !row.publishedAt) continue; // published episodes always have audio; be safe
    const cover = row.coverFileId ? files.get(row.coverFileId) : undefined;
    const opus = row.opusFileId ? files.get(row.opusFileId) : undefined;
    out.push({
      ...episodeFields(row),
      publishedAt: row.publishedAt,
      audio: { ...publicFile(audio), sha256: audio.sha256, storageKey: audio.storageKey, createdAt: audio.createdAt },
      opus: opus ? { ...publicFile(opus), sha256: opus.sha256, storageKey: opus.storageKey, createdAt: opus.createdAt } : null,
      cover: cover ? publicFile(cover) : null,
      chapters: row.chapters ?? null,
      transcriptFormat: row.transcript ? row.transcriptFormat : null,
      persons: row.persons ?? [],
      soundbites: row.soundbites ?? [],
    });
  }
  return out;
}

// The two queries of every feed and enclosure request, prepared once per connection: building
// a query with drizzle costs more than SQLite takes to answer it, and so does drizzle's mapping
// of a prepared one's rows (on SQLite the statement drizzle wrote runs on the driver directly).
type Prepared<T> = { execute(values: Record<string, string>): Promise<T[]> | T[] };
type Query = { prepare(name?: string): unknown; toSQL(): { sql: string; params: unknown[] } };
const prepared = new WeakMap<
  object,
  { feedVersion: Prepared<{ id: string; feedVersion: string; movedToFeedUrl: string | null }>; enclosure: Prepared<Enclosure>; opus: Prepared<Enclosure> }
>();

function queries() {
  const conn = getConnection();
  let q = prepared.get(conn);
  if (!q) {
    const { podcasts: p } = conn.tables;
    const prepare = <T>(name: string, query: Query, fromRow: (row: unknown[]) => T): Prepared<T> => {
      if (conn.dialect === "postgres") return query.prepare(name) as Prepared<T>;
      const { sql: text, params } = query.toSQL();
      const statement = conn.sqlite!.prepare(text).raw();
      const named = params.map((p) => (p instanceof Placeholder ? p.name : null));
      return { execute: (values) => (statement.all(...params.map((p, i) => (named[i] ? values[named[i]!] : p))) as unknown[][]).map(fromRow) };
    };
    q = {
      feedVersion: prepare(
        "public_feed_version",
        conn.db
          .select({ id: p.id, feedVersion: p.feedVersion, movedToFeedUrl: p.movedToFeedUrl })
          .from(p)
          .where(and(eq(p.slug, sql.placeholder("slug")), eq(p.isPrivate, false))),
        ([id, feedVersion, movedToFeedUrl]) => ({ id: id as string, feedVersion: feedVersion as string, movedToFeedUrl: movedToFeedUrl as string | null }),
      ),
      enclosure: prepare("public_enclosure", enclosureQuery("mp3"), fromEnclosureRow),
      opus: prepare("public_opus_enclosure", enclosureQuery("opus"), fromEnclosureRow),
    };
    prepared.set(conn, q);
  }
  return q;

  function enclosureQuery(rendition: "mp3" | "opus") {
    const { podcasts: p, episodes: e, mediaFiles: f } = conn.tables;
    return conn.db
      .select({
        podcastId: p.id,
        episodeId: e.id,
        durationSeconds: e.durationSeconds,
        audio: { id: f.id, storageKey: f.storageKey, mimeType: f.mimeType, sha256: f.sha256, createdAt: f.createdAt },
      })
      .from(e)
      .innerJoin(p, eq(p.id, e.podcastId))
      .innerJoin(f, eq(f.id, rendition === "opus" ? e.opusFileId : e.audioFileId))
      .where(
        and(
          eq(p.slug, sql.placeholder("podcast")),
          eq(p.isPrivate, false),
          eq(e.slug, sql.placeholder("episode")),
          eq(e.access, "public"),
          eq(e.status, "published"),
          isNotNull(e.publishedAt),
          // The Opus rendition only while the podcast lists renditions.
          rendition === "opus" ? eq(p.opusRendition, true) : undefined,
        ),
      );
  }
}

function fromEnclosureRow(row: unknown[]): Enclosure {
  const [podcastId, episodeId, durationSeconds, id, storageKey, mimeType, sha256, createdAt] = row;
  return {
    podcastId: podcastId as string,
    episodeId: episodeId as string,
    durationSeconds: durationSeconds as number | null,
    // A Date from pg; milliseconds from the raw SQLite row.
    audio: { id: id as string, storageKey: storageKey as string, mimeType: mimeType as string, sha256: sha256 as string, createdAt: new Date(createdAt as number | Date) },
  };
}

/**
 * Gives a podcast the podcast:guid its feed is about to carry, if it has none yet, and returns
 * the one it keeps (another instance may have set it first). A podcast gets its GUID once in its
 * lifetime (Podcasting 2.0, PSP-1); the XML does not change, so the feed version stays.
 */
export async function keepPodcastGuid(podcastId: string, guid: string): Promise<string> {
  await db
    .update(tables.podcasts)
    .set({ podcastGuid: guid })
    .where(and(eq(tables.podcasts.id, podcastId), isNull(tables.podcasts.podcastGuid)));
  const [row] = await db.select({ podcastGuid: tables.podcasts.podcastGuid }).from(tables.podcasts).where(eq(tables.podcasts.id, podcastId));
  return row?.podcastGuid ?? guid;
}

/**
 * The current slug of a public show that used to be at `formerSlug` (renamed since), or null:
 * its old feed, page and audio URLs then answer 301 to the new ones. Private shows stay 404.
 */
export async function findRenamedPodcastSlug(formerSlug: string): Promise<string | null> {
  const r = tables.podcastSlugRedirects;
  const [row] = await db
    .select({ slug: tables.podcasts.slug })
    .from(r)
    .innerJoin(tables.podcasts, eq(tables.podcasts.id, r.podcastId))
    .where(and(eq(r.slug, formerSlug), eq(tables.podcasts.isPrivate, false)));
  return row?.slug ?? null;
}

/** The id and feed version of a public podcast, by slug: all a feed's ETag needs (and where it moved, if it did). */
export async function getPublicFeedVersion(slug: string): Promise<{ id: string; feedVersion: string; movedToFeedUrl: string | null }> {
  if (!storable(slug)) throw notFound("Podcast");
  const [row] = await queries().feedVersion.execute({ slug });
  if (!row) throw notFound("Podcast");
  return row;
}

/** What the enclosure route needs of a published episode: its audio file and ids. */
export interface Enclosure {
  podcastId: string;
  episodeId: string;
  durationSeconds: number | null;
  audio: { id: string; storageKey: string; mimeType: string; sha256: string; createdAt: Date };
}

/**
 * A published episode's enclosure, by slugs, in one query: its MP3, or with `rendition: "opus"`
 * its Opus rendition (not found while the podcast's renditions are off).
 */
export async function getPublishedEnclosure(podcastSlug: string, episodeSlug: string, rendition: "mp3" | "opus" = "mp3"): Promise<Enclosure> {
  if (!storable(podcastSlug, episodeSlug)) throw notFound("Episode");
  const [row] = await queries()[rendition === "opus" ? "opus" : "enclosure"].execute({ podcast: podcastSlug, episode: episodeSlug });
  if (!row) throw notFound("Episode");
  return row;
}

/** A public podcast's published public episodes (no supporter-only ones), newest first. */
export async function listPublishedEpisodes(podcastId: string, opts: { limit?: number } = {}): Promise<PublicEpisode[]> {
  return publishedEpisodes(podcastId, "public", opts);
}

/**
 * Every published episode of a podcast, supporter-only ones too, newest first: only for
 * lib/data/subscriber-feed.ts, after it has checked a subscriber's token.
 */
export async function listEpisodesForSubscribers(podcastId: string): Promise<PublicEpisode[]> {
  return publishedEpisodes(podcastId, "all");
}

async function publishedEpisodes(podcastId: string, access: "public" | "all", opts: { limit?: number } = {}): Promise<PublicEpisode[]> {
  let q = db
    .select()
    .from(tables.episodes)
    .where(
      and(
        eq(tables.episodes.podcastId, podcastId),
        eq(tables.episodes.status, "published"),
        access === "public" ? eq(tables.episodes.access, "public") : undefined,
      ),
    )
    .orderBy(desc(tables.episodes.publishedAt), desc(tables.episodes.id))
    .$dynamic();
  if (opts.limit) q = q.limit(opts.limit);
  const rows = await q;
  const files = await filesById(rows.flatMap((r) => [r.audioFileId, r.opusFileId, r.coverFileId]));
  return toPublicEpisodes(rows, files);
}

/** One published public episode of a public podcast, by slugs (a supporter-only one is not_found). */
export async function getPublishedEpisode(podcastSlug: string, episodeSlug: string): Promise<{ podcast: PublicPodcast; episode: PublicEpisode }> {
  const podcast = await getPublicPodcast(podcastSlug);
  return { podcast, episode: await publishedEpisode(podcast.id, episodeSlug, "public") };
}

/** One published episode by slug, supporter-only too: only for lib/data/subscriber-feed.ts. */
export async function getEpisodeForSubscribers(podcastId: string, episodeSlug: string): Promise<PublicEpisode> {
  return publishedEpisode(podcastId, episodeSlug, "all");
}

async function publishedEpisode(podcastId: string, episodeSlug: string, access: "public" | "all"): Promise<PublicEpisode> {
  if (!storable(episodeSlug)) throw notFound("Episode");
  const rows = await db
    .select()
    .from(tables.episodes)
    .where(
      and(
        eq(tables.episodes.podcastId, podcastId),
        eq(tables.episodes.slug, episodeSlug),
        eq(tables.episodes.status, "published"),
        access === "public" ? eq(tables.episodes.access, "public") : undefined,
      ),
    );
  const files = await filesById(rows.flatMap((r) => [r.audioFileId, r.opusFileId, r.coverFileId]));
  const [episode] = toPublicEpisodes(rows, files);
  if (!episode) throw notFound("Episode");
  return episode;
}

/** The transcript text of a published episode. */
export async function getPublishedTranscript(podcastSlug: string, episodeSlug: string) {
  const { episode } = await getPublishedEpisode(podcastSlug, episodeSlug);
  return transcriptOf(episode.id);
}

/** The stored transcript of an episode already checked by the caller. */
export async function transcriptOf(episodeId: string) {
  const [row] = await db
    .select({ transcript: tables.episodes.transcript, format: tables.episodes.transcriptFormat })
    .from(tables.episodes)
    .where(eq(tables.episodes.id, episodeId));
  if (!row?.transcript || !row.format) throw notFound("Transcript");
  return { text: row.transcript, format: row.format };
}

/** The waveform of a published episode's audio, or null. */
export async function getPublishedWaveform(podcastSlug: string, episodeSlug: string) {
  const { episode } = await getPublishedEpisode(podcastSlug, episodeSlug);
  const [row] = await db
    .select({ waveform: tables.episodeProcessing.waveform })
    .from(tables.episodeProcessing)
    .where(and(eq(tables.episodeProcessing.episodeId, episode.id), eq(tables.episodeProcessing.outputFileId, episode.audio.id)))
    .limit(1);
  return row?.waveform ?? null;
}

/** The cover image file of a public podcast or of one of its published episodes. */
export async function getPublicCover(podcastSlug: string, episodeSlug?: string) {
  const podcast = await getPublicPodcast(podcastSlug);
  let coverId = podcast.cover?.id;
  if (episodeSlug) coverId = (await getPublishedEpisode(podcastSlug, episodeSlug)).episode.cover?.id;
  if (!coverId) throw notFound("Cover");
  return coverFile(coverId);
}

/** A cover file by id, for a podcast or episode already checked by the caller. */
export async function coverFile(coverId: string | undefined) {
  if (!coverId) throw notFound("Cover");
  const [file] = await fetchFiles([coverId]);
  if (!file) throw notFound("Cover");
  return file;
}

/**
 * What a sitemap lists: every public podcast and its published episodes (no private show, no
 * draft or scheduled episode), with when each last changed.
 */
export async function listSitemapEntries(): Promise<{ slug: string; updatedAt: Date; episodes: { slug: string; updatedAt: Date }[] }[]> {
  const podcasts = await db
    .select({ id: tables.podcasts.id, slug: tables.podcasts.slug, updatedAt: tables.podcasts.updatedAt })
    .from(tables.podcasts)
    .where(eq(tables.podcasts.isPrivate, false))
    .orderBy(tables.podcasts.slug);
  if (podcasts.length === 0) return [];
  const episodes = await db
    .select({ podcastId: tables.episodes.podcastId, slug: tables.episodes.slug, updatedAt: tables.episodes.updatedAt, publishedAt: tables.episodes.publishedAt })
    .from(tables.episodes)
    .innerJoin(tables.podcasts, eq(tables.podcasts.id, tables.episodes.podcastId))
    .where(and(eq(tables.podcasts.isPrivate, false), eq(tables.episodes.status, "published"), eq(tables.episodes.access, "public")))
    .orderBy(desc(tables.episodes.publishedAt), desc(tables.episodes.id));
  const byPodcast = new Map(podcasts.map((p) => [p.id, { slug: p.slug, updatedAt: p.updatedAt, episodes: [] as { slug: string; updatedAt: Date }[] }]));
  for (const e of episodes) {
    const entry = byPodcast.get(e.podcastId);
    if (!entry) continue;
    const changed = Math.max(e.updatedAt.getTime(), e.publishedAt?.getTime() ?? 0);
    entry.episodes.push({ slug: e.slug, updatedAt: new Date(changed) });
    if (changed > entry.updatedAt.getTime()) entry.updatedAt = new Date(changed);
  }
  return [...byPodcast.values()];
}

/** The slug of a public podcast by id, or null when it is private or gone (its feed is a 404). */
export async function getPublicPodcastSlug(podcastId: string): Promise<string | null> {
  const [row] = await db
    .select({ slug: tables.podcasts.slug })
    .from(tables.podcasts)
    .where(and(eq(tables.podcasts.id, podcastId), eq(tables.podcasts.isPrivate, false)));
  return row?.slug ?? null;
}

/** The public podcast (and its owner) whose feed carries this episode, or null when no public feed does. */
export async function getFeedOfEpisode(episodeId: string): Promise<{ userId: string; podcastId: string } | null> {
  const [row] = await db
    .select({ userId: tables.podcasts.ownerId, podcastId: tables.podcasts.id })
    .from(tables.episodes)
    .innerJoin(tables.podcasts, eq(tables.podcasts.id, tables.episodes.podcastId))
    .where(and(eq(tables.episodes.id, episodeId), eq(tables.episodes.status, "published"), eq(tables.podcasts.isPrivate, false)));
  return row ?? null;
}
