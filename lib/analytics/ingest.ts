import crypto from "node:crypto";
import { and, desc, eq, gt, inArray, isNull, lt, sql } from "drizzle-orm";
import { getConnection, type Connection, type Db } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { transaction } from "@/db/tx";
import { isUuid, newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { addDays, utcDay, type Day } from "./days";
import { readHead } from "@/lib/storage";
import { addInterval, coveredBytes, downloadThreshold, id3TagBytes, requestedInterval, type Interval } from "./threshold";
import { classifyUserAgent } from "./user-agents";

const analyticsLog = log.child({ component: "analytics" });

/** One request for an episode's audio, as the audio route saw it. */
export interface DownloadRequest {
  episodeId: string;
  podcastId: string;
  ip: string;
  userAgent: string;
  /** The byte range served (inclusive), or null for the whole file. */
  range: { start: number; end: number } | null;
  totalBytes: number;
  durationSeconds: number | null;
  /** Where the file is stored: its ID3 tag's size is read from there (headers + a minute make a download). */
  storageKey?: string;
  /** The subscriber whose private audio URL this was (lib/data/subscriber-feed.ts): their download count grows. */
  subscriberId?: string;
  at: Date;
}

const WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Writes a batch of audio requests into listener-episodes (IAB v2): bots are dropped, each
 * request joins the listener's open listener-episode for that episode (first request less than
 * 24 h ago) or opens one, adds its byte range, and the listener-episode becomes a download the
 * moment its ranges cover the threshold. Runs in the background (lib/analytics/record.ts).
 */
export async function ingestDownloads(requests: readonly DownloadRequest[]): Promise<void> {
  const items = await listenerRequests(requests);
  if (items.length === 0) return;
  const newest = items.reduce((max, r) => (r.at > max ? r.at : max), items[0]!.at);
  await pruneOnceADay(newest);
  const salts = await saltsFor(new Set(items.map((r) => utcDay(r.at))));
  // Read before the transaction: a SQLite transaction holds nothing but database work.
  for (const item of items) item.headerBytes = item.storageKey ? await headerBytesOf(item.storageKey) : 0;
  try {
    await transaction(async (tx) => {
      for (const item of items) await applyRequest(tx, item, salts);
    });
  } catch (err) {
    // One bad request (say, its episode was deleted meanwhile) must not cost the others.
    analyticsLog.error("a batch failed, recording its requests one by one", { err });
    for (const item of items) {
      await applyRequest(getConnection().db, item, salts).catch((e: unknown) =>
        analyticsLog.error("dropped a download request", { err: e }),
      );
    }
  }
}

interface ListenerRequest extends DownloadRequest {
  interval: Interval;
  app: string;
  device: string;
  headerBytes?: number;
}

/** ID3 tag sizes by storage key: stored files never change, so each is read once per process. */
const headerCache = new Map<string, number>();

async function headerBytesOf(storageKey: string): Promise<number> {
  const known = headerCache.get(storageKey);
  if (known !== undefined) return known;
  let bytes = 0;
  try {
    bytes = id3TagBytes(await readHead(storageKey, 10));
  } catch {
    return 0; // the file went away: the threshold falls back to a minute of the whole file's rate
  }
  if (headerCache.size >= 10_000) headerCache.clear();
  headerCache.set(storageKey, bytes);
  return bytes;
}

/** The requests that count for something: by a listener, for an existing episode of that podcast, asking for bytes. */
async function listenerRequests(requests: readonly DownloadRequest[]): Promise<ListenerRequest[]> {
  const candidates: ListenerRequest[] = [];
  for (const r of requests) {
    if (!isUuid(r.episodeId)) continue;
    const agent = classifyUserAgent(r.userAgent);
    if (agent.bot) continue;
    const interval = requestedInterval(r.range, r.totalBytes);
    if (!interval) continue;
    candidates.push({ ...r, interval, app: agent.app, device: agent.device });
  }
  if (candidates.length === 0) return [];
  const { db, tables } = getConnection();
  const ids = [...new Set(candidates.map((r) => r.episodeId))];
  const rows = await db
    .select({ id: tables.episodes.id, podcastId: tables.episodes.podcastId })
    .from(tables.episodes)
    .where(inArray(tables.episodes.id, ids));
  const podcastOf = new Map(rows.map((e) => [e.id, e.podcastId]));
  return candidates.filter((r) => podcastOf.get(r.episodeId) === r.podcastId);
}

/** HMAC of IP + User-Agent under a day's salt: the only trace of a listener that is kept. */
export function listenerHash(salt: string, ip: string, userAgent: string): string {
  return crypto.createHmac("sha256", salt).update(`${ip}\n${userAgent}`).digest("hex");
}

async function applyRequest(tx: Db, r: ListenerRequest, salts: Map<Day, string>): Promise<void> {
  const { downloadSessions: s } = getConnection().tables;
  const day = utcDay(r.at);
  const today = listenerHash(salts.get(day)!, r.ip, r.userAgent);
  // A listener-episode opened before midnight UTC was hashed with yesterday's salt.
  const yesterdaySalt = salts.get(addDays(day, -1));
  const hashes = yesterdaySalt ? [today, listenerHash(yesterdaySalt, r.ip, r.userAgent)] : [today];
  const [open] = await tx
    .select()
    .from(s)
    .where(
      and(
        eq(s.episodeId, r.episodeId),
        inArray(s.listenerHash, hashes),
        gt(s.startedAt, new Date(r.at.getTime() - WINDOW_MS)),
      ),
    )
    .orderBy(desc(s.startedAt))
    .limit(1);

  if (!open) {
    const threshold = downloadThreshold(r.totalBytes, r.durationSeconds, r.headerBytes);
    const ranges = [r.interval];
    const counted = coveredBytes(ranges) >= threshold;
    await tx.insert(s).values({
      id: newId(),
      episodeId: r.episodeId,
      podcastId: r.podcastId,
      listenerHash: today,
      startedAt: r.at,
      lastSeenAt: r.at,
      requests: 1,
      totalBytes: r.totalBytes,
      thresholdBytes: threshold,
      coveredBytes: coveredBytes(ranges),
      ranges: counted ? [] : ranges,
      app: r.app,
      device: r.device,
      countedAt: counted ? r.at : null,
      countedDay: counted ? day : null,
    });
    if (counted) await countForSubscriber(tx, r);
    return;
  }

  const lastSeenAt = r.at > open.lastSeenAt ? r.at : open.lastSeenAt;
  if (open.countedAt) {
    // Already a download: later requests in the window change nothing that is reported.
    await tx.update(s).set({ lastSeenAt, requests: open.requests + 1 }).where(eq(s.id, open.id));
    return;
  }
  const ranges = addInterval(open.ranges, r.interval);
  const covered = coveredBytes(ranges);
  const counted = covered >= open.thresholdBytes;
  await tx
    .update(s)
    .set({
      lastSeenAt,
      requests: open.requests + 1,
      coveredBytes: covered,
      ranges: counted ? [] : ranges,
      countedAt: counted ? r.at : null,
      countedDay: counted ? day : null,
    })
    .where(eq(s.id, open.id));
  if (counted) await countForSubscriber(tx, r);
}

async function countForSubscriber(tx: Db, r: ListenerRequest): Promise<void> {
  if (!r.subscriberId) return;
  const { podcastSubscribers: sub } = getConnection().tables;
  await tx.update(sub).set({ downloads: sql`${sub.downloads} + 1` }).where(eq(sub.id, r.subscriberId));
}

/**
 * The salts of `days` (made when missing) and of the day before each (only when present: a
 * listener-episode may have been opened under it).
 */
async function saltsFor(days: Set<Day>): Promise<Map<Day, string>> {
  const { db, tables } = getConnection();
  const wanted = [...new Set([...days].flatMap((d) => [d, addDays(d, -1)]))];
  const load = async () =>
    new Map(
      (
        await db
          .select({ day: tables.analyticsSalts.day, salt: tables.analyticsSalts.salt })
          .from(tables.analyticsSalts)
          .where(inArray(tables.analyticsSalts.day, wanted))
      ).map((row) => [row.day, row.salt]),
    );
  const salts = await load();
  const missing = [...days].filter((d) => !salts.has(d));
  if (missing.length === 0) return salts;
  for (const day of missing) {
    try {
      await db
        .insert(tables.analyticsSalts)
        .values({ id: newId(), day, salt: crypto.randomBytes(32).toString("hex"), createdAt: new Date() });
    } catch (err) {
      // Another instance made it first: use theirs.
      if (!isUniqueViolation(err)) throw err;
    }
  }
  return load();
}

// The day each connection was last pruned for, so the deletes run once a day, not every flush.
const prunedFor = new WeakMap<Connection, Day>();

/**
 * Forgets what is no longer needed once a new day starts: salts from before yesterday (so
 * their hashes can never be linked to an IP again) and listener-episodes whose 24 h window
 * closed without reaching a download.
 */
async function pruneOnceADay(now: Date): Promise<void> {
  const conn = getConnection();
  const day = utcDay(now);
  if (prunedFor.get(conn) === day) return;
  await pruneAnalytics(now);
  prunedFor.set(conn, day);
}

/** Deletes salts older than yesterday and abandoned listener-episodes, as seen at `now`. */
async function pruneAnalytics(now: Date): Promise<void> {
  const { db, tables } = getConnection();
  const s = tables.downloadSessions;
  await pruneSalts(now);
  await db.delete(s).where(and(isNull(s.countedAt), lt(s.startedAt, new Date(now.getTime() - WINDOW_MS))));
}

/** Deletes the salts from before yesterday (cheap: run it often, even without traffic). */
export async function pruneSalts(now: Date): Promise<void> {
  const { db, tables } = getConnection();
  await db.delete(tables.analyticsSalts).where(lt(tables.analyticsSalts.day, addDays(utcDay(now), -1)));
}
