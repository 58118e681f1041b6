import "server-only";
import { and, desc, eq, inArray, max, min, or } from "drizzle-orm";
import { db, tables } from "@/db";
import { addDays, utcDay, type DateRange } from "@/lib/analytics/days";
import type { Viewer } from "@/lib/auth/viewer";
import { listRecentDownloads, type RecentDownloads } from "./analytics";
import type { Page } from "./pagination";
import { listPodcasts } from "./podcasts";
import type { PodcastRole } from "./access";

/** An episode as the home page names it. */
export interface EpisodeGlance {
  id: string;
  title: string;
  /** When it was published (latest) or will be (next scheduled). */
  at: Date;
}

/** An episode whose audio is being processed, or whose last processing failed. */
export interface EpisodeNeedingAttention {
  id: string;
  title: string;
  status: "processing" | "failed";
  /** 0–1 while processing. */
  progress: number;
  /** Why it failed, in words. */
  error: string | null;
}

/** How one of the viewer's shows is doing: what the dashboard's home shows per podcast. */
export interface PodcastSummary {
  id: string;
  slug: string;
  title: string;
  coverFileId: string | null;
  /** The viewer's role on the show. */
  role: PodcastRole;
  /** Downloads over the last 30 UTC days, today included. */
  downloads: RecentDownloads & DateRange;
  latestEpisode: EpisodeGlance | null;
  nextScheduled: EpisodeGlance | null;
  attention: EpisodeNeedingAttention[];
}

export const SUMMARY_DAYS = 30;
const MAX_ATTENTION = 5;

/**
 * The viewer's podcasts, newest first, each with its downloads of the last 30 days, its latest
 * and next scheduled episode and what is processing or failed. A constant number of queries
 * whatever the number of shows (none per podcast).
 */
export async function listPodcastSummaries(
  viewer: Viewer,
  opts: { limit: number; cursor?: string; now?: Date },
): Promise<Page<PodcastSummary>> {
  const page = await listPodcasts(viewer, opts);
  const ids = page.items.map((p) => p.id);
  if (ids.length === 0) return { items: [], nextCursor: page.nextCursor };
  const to = utcDay(opts.now ?? new Date());
  const range = { from: addDays(to, -(SUMMARY_DAYS - 1)), to };
  const [downloads, latest, next, attention] = await Promise.all([
    listRecentDownloads(viewer, ids, range),
    latestEpisodes(ids, "published"),
    latestEpisodes(ids, "scheduled"),
    episodesNeedingAttention(ids),
  ]);
  const empty = { total: 0, daily: [] };
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((p) => ({
      id: p.id,
      slug: p.slug,
      title: p.title,
      coverFileId: p.coverFileId,
      role: p.role,
      downloads: { ...range, ...(downloads.get(p.id) ?? empty) },
      latestEpisode: latest.get(p.id) ?? null,
      nextScheduled: next.get(p.id) ?? null,
      attention: attention.get(p.id) ?? [],
    })),
  };
}

/**
 * Per podcast, its most recently published episode or its soonest scheduled one: the extreme
 * date per podcast in one grouped query, then the episodes at those dates in a second.
 * `podcastIds` are the viewer's (checked by the caller).
 */
async function latestEpisodes(podcastIds: string[], status: "published" | "scheduled"): Promise<Map<string, EpisodeGlance>> {
  const e = tables.episodes;
  const column = status === "published" ? e.publishedAt : e.publishAt;
  const extremes = await db
    .select({ podcastId: e.podcastId, at: status === "published" ? max(column) : min(column) })
    .from(e)
    .where(and(inArray(e.podcastId, podcastIds), eq(e.status, status)))
    .groupBy(e.podcastId);
  const pairs = extremes.filter((r): r is { podcastId: string; at: Date } => r.at !== null);
  if (pairs.length === 0) return new Map();
  const rows = await db
    .select({ id: e.id, podcastId: e.podcastId, title: e.title, at: column })
    .from(e)
    .where(and(eq(e.status, status), or(...pairs.map((r) => and(eq(e.podcastId, r.podcastId), eq(column, r.at))))))
    .orderBy(desc(e.createdAt), desc(e.id));
  const out = new Map<string, EpisodeGlance>();
  for (const r of rows) if (r.at && !out.has(r.podcastId)) out.set(r.podcastId, { id: r.id, title: r.title, at: r.at });
  return out;
}

/**
 * Episodes whose newest processing is queued, running or failed, per podcast (newest first, a
 * few each). A failure that a later processing replaced is not news any more.
 */
async function episodesNeedingAttention(podcastIds: string[]): Promise<Map<string, EpisodeNeedingAttention[]>> {
  const e = tables.episodes;
  const proc = tables.episodeProcessing;
  const candidates = await db
    .select({
      episodeId: e.id,
      podcastId: e.podcastId,
      title: e.title,
      status: proc.status,
      progress: proc.progress,
      error: proc.error,
      createdAt: proc.createdAt,
    })
    .from(proc)
    .innerJoin(e, eq(e.id, proc.episodeId))
    .where(and(inArray(e.podcastId, podcastIds), inArray(proc.status, ["queued", "running", "failed"])))
    .orderBy(desc(proc.createdAt), desc(proc.id));
  if (candidates.length === 0) return new Map();
  const episodeIds = [...new Set(candidates.map((c) => c.episodeId))];
  // The newest processing of each candidate episode, whatever its status.
  const newest = await db
    .select({ episodeId: proc.episodeId, createdAt: max(proc.createdAt) })
    .from(proc)
    .where(inArray(proc.episodeId, episodeIds))
    .groupBy(proc.episodeId);
  const newestAt = new Map(newest.map((n) => [n.episodeId, n.createdAt?.getTime()]));
  const out = new Map<string, EpisodeNeedingAttention[]>();
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.episodeId) || newestAt.get(c.episodeId) !== c.createdAt.getTime()) continue;
    seen.add(c.episodeId);
    const list = out.get(c.podcastId) ?? [];
    if (list.length >= MAX_ATTENTION) continue;
    list.push({
      id: c.episodeId,
      title: c.title,
      status: c.status === "failed" ? "failed" : "processing",
      progress: c.progress,
      error: c.status === "failed" ? c.error : null,
    });
    out.set(c.podcastId, list);
  }
  return out;
}
