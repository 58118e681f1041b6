import "server-only";
import { and, count, desc, eq, gte, inArray, isNotNull, lte, type SQL } from "drizzle-orm";
import { db, tables } from "@/db";
import { daysBetween, type DateRange, type Day } from "@/lib/analytics/days";
import type { Viewer } from "@/lib/auth/viewer";
import { notFound } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { requirePodcastRole } from "./access";

/** Downloads (IAB v2, counted by lib/analytics) of one podcast or episode over UTC days. */
export interface DownloadsReport {
  podcastId: string;
  episodeId: string | null;
  from: Day;
  to: Day;
  total: number;
  /** Every day of the range, zero included, oldest first. */
  daily: { day: Day; downloads: number }[];
  /** The podcast's episodes (or the one asked for), most downloaded first. */
  episodes: { episodeId: string; title: string; publishedAt: Date | null; downloads: number }[];
  apps: { name: string; downloads: number }[];
  devices: { name: string; downloads: number }[];
}

export interface ReportScope extends DateRange {
  episodeId?: string;
}

const TOP = 10;
const MAX_EPISODES = 500;

/** Checks that the viewer is a member of the podcast (and the episode is in it); not_found otherwise. */
async function requireScope(viewer: Viewer, podcastId: string, episodeId: string | undefined) {
  await requirePodcastRole(viewer, podcastId, "viewer");
  if (episodeId === undefined) return;
  const e = tables.episodes;
  const [row] = isUuid(episodeId)
    ? await db.select({ id: e.id }).from(e).where(and(eq(e.id, episodeId), eq(e.podcastId, podcastId)))
    : [];
  if (!row) throw notFound("Episode");
}

function countedIn(podcastId: string, scope: ReportScope): SQL {
  const s = tables.downloadSessions;
  return and(
    eq(s.podcastId, podcastId),
    gte(s.countedDay, scope.from),
    lte(s.countedDay, scope.to),
    scope.episodeId ? eq(s.episodeId, scope.episodeId) : undefined,
  )!;
}

/** Downloads per day, per episode, by app and by device for one of the viewer's podcasts (or one episode of it). */
export async function getDownloadsReport(viewer: Viewer, podcastId: string, scope: ReportScope): Promise<DownloadsReport> {
  await requireScope(viewer, podcastId, scope.episodeId);
  const s = tables.downloadSessions;
  const e = tables.episodes;
  const where = countedIn(podcastId, scope);
  const downloads = count(s.id);

  const [perDay, apps, devices, episodes] = await Promise.all([
    db.select({ day: s.countedDay, downloads }).from(s).where(where).groupBy(s.countedDay),
    db.select({ name: s.app, downloads }).from(s).where(where).groupBy(s.app).orderBy(desc(downloads), s.app).limit(TOP),
    db.select({ name: s.device, downloads }).from(s).where(where).groupBy(s.device).orderBy(desc(downloads), s.device).limit(TOP),
    db
      .select({ episodeId: e.id, title: e.title, publishedAt: e.publishedAt, downloads })
      .from(e)
      .leftJoin(s, and(eq(s.episodeId, e.id), gte(s.countedDay, scope.from), lte(s.countedDay, scope.to)))
      .where(and(eq(e.podcastId, podcastId), scope.episodeId ? eq(e.id, scope.episodeId) : undefined))
      .groupBy(e.id, e.title, e.publishedAt, e.createdAt)
      .orderBy(desc(downloads), desc(e.createdAt), desc(e.id))
      .limit(MAX_EPISODES),
  ]);

  const byDay = new Map(perDay.map((r) => [r.day, r.downloads]));
  const daily = daysBetween(scope.from, scope.to).map((day) => ({ day, downloads: byDay.get(day) ?? 0 }));
  return {
    podcastId,
    episodeId: scope.episodeId ?? null,
    from: scope.from,
    to: scope.to,
    total: daily.reduce((n, d) => n + d.downloads, 0),
    daily,
    episodes,
    apps,
    devices,
  };
}

/** Downloads per UTC day of a range for several podcasts at once: the home page's charts. */
export interface RecentDownloads {
  total: number;
  /** Every day of the range, zero included, oldest first. */
  daily: { day: Day; downloads: number }[];
}

/**
 * Downloads over `range` for each of the given podcasts that are the viewer's (others are
 * left out), in one grouped query: podcast id → total and daily counts.
 */
export async function listRecentDownloads(viewer: Viewer, podcastIds: readonly string[], range: DateRange): Promise<Map<string, RecentDownloads>> {
  const ids = podcastIds.filter(isUuid);
  if (ids.length === 0) return new Map();
  const s = tables.downloadSessions;
  const m = tables.podcastMembers;
  // Every show the viewer is a member of (the owner is one too); others are left out.
  const owned = await db.select({ id: m.podcastId }).from(m).where(and(inArray(m.podcastId, ids), eq(m.userId, viewer.userId)));
  const mine = owned.map((r) => r.id);
  const rows = mine.length
    ? await db
        .select({ podcastId: s.podcastId, day: s.countedDay, downloads: count(s.id) })
        .from(s)
        .where(and(inArray(s.podcastId, mine), gte(s.countedDay, range.from), lte(s.countedDay, range.to)))
        .groupBy(s.podcastId, s.countedDay)
    : [];
  const days = daysBetween(range.from, range.to);
  const out = new Map<string, RecentDownloads>();
  for (const { id } of owned) {
    const byDay = new Map(rows.filter((r) => r.podcastId === id).map((r) => [r.day, r.downloads]));
    const daily = days.map((day) => ({ day, downloads: byDay.get(day) ?? 0 }));
    out.set(id, { total: daily.reduce((n, d) => n + d.downloads, 0), daily });
  }
  return out;
}

/** All-time downloads of each episode of one of the viewer's podcasts (one grouped query); episodes never downloaded are absent. */
export async function countEpisodeDownloads(viewer: Viewer, podcastId: string): Promise<Map<string, number>> {
  await requirePodcastRole(viewer, podcastId, "viewer");
  const s = tables.downloadSessions;
  const rows = await db
    .select({ episodeId: s.episodeId, downloads: count(s.id) })
    .from(s)
    .where(and(eq(s.podcastId, podcastId), isNotNull(s.countedDay)))
    .groupBy(s.episodeId);
  return new Map(rows.map((r) => [r.episodeId, r.downloads]));
}

const CSV_HEADER = ["date", "episode_id", "episode_title", "app", "device", "downloads"];

/**
 * A CSV of the downloads in range: one line per day, episode, app and device (RFC 4180, with
 * cells that a spreadsheet would run as a formula made inert).
 */
export async function exportDownloadsCsv(viewer: Viewer, podcastId: string, scope: ReportScope): Promise<string> {
  await requireScope(viewer, podcastId, scope.episodeId);
  const s = tables.downloadSessions;
  const e = tables.episodes;
  const downloads = count(s.id);
  const rows = await db
    .select({ day: s.countedDay, episodeId: e.id, title: e.title, app: s.app, device: s.device, downloads })
    .from(s)
    .innerJoin(e, eq(e.id, s.episodeId))
    .where(countedIn(podcastId, scope))
    .groupBy(s.countedDay, e.id, e.title, e.createdAt, s.app, s.device)
    .orderBy(s.countedDay, e.createdAt, e.id, desc(downloads), s.app, s.device);
  const lines = [CSV_HEADER, ...rows.map((r) => [r.day ?? "", r.episodeId, r.title, r.app, r.device, String(r.downloads)])];
  return lines.map((cells) => cells.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

function csvCell(value: string): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(inert) ? `"${inert.replace(/"/g, '""')}"` : inert;
}
