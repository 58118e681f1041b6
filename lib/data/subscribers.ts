import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import { db, tables } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { transaction } from "@/db/tx";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError, notFound } from "@/lib/errors";
import { isUuid, newId } from "@/lib/ids";
import { hashSubscriberToken, newSubscriberToken, openSubscriberToken, sealSubscriberToken } from "@/lib/subscriber-token";
import { subscriberUrls } from "@/lib/urls";
import { parseSubscriberCsv, type CreateSubscriberInput } from "@/lib/validation/subscriber";
import { requireOwnPodcast } from "./podcasts";

/**
 * A show's subscribers (private shows, supporter-only episodes): the owner adds, lists, revokes
 * and rotates them. Each has a feed URL of their own (lib/data/subscriber-feed.ts serves it).
 * `base` is the absolute origin the feed URLs are written with (lib/urls.ts publicBaseUrl).
 */

type SubscriberRow = typeof tables.podcastSubscribers.$inferSelect;

export interface Subscriber {
  id: string;
  name: string;
  email: string;
  /** Null once revoked, or when the sealed token cannot be opened (the auth secret changed). */
  feedUrl: string | null;
  downloads: number;
  lastSeenAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

function toSubscriber(row: SubscriberRow, base: string): Subscriber {
  const token = row.revokedAt ? null : openSubscriberToken(row.tokenSealed);
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    feedUrl: token ? subscriberUrls.feed(base, token) : null,
    downloads: row.downloads,
    lastSeenAt: row.lastSeenAt,
    revokedAt: row.revokedAt,
    createdAt: row.createdAt,
  };
}

function newTokenColumns() {
  const token = newSubscriberToken();
  return { tokenHash: hashSubscriberToken(token), tokenSealed: sealSubscriberToken(token) };
}

const alreadySubscribed = (email: string) =>
  new AppError("conflict", `${email} is already a subscriber of this show.`, { fields: { email: "Already a subscriber of this show." } });

/** Adds a subscriber to one of the viewer's shows, with a new feed URL. */
export async function createSubscriber(viewer: Viewer, podcastId: string, input: CreateSubscriberInput, base: string): Promise<Subscriber> {
  await requireOwnPodcast(viewer, podcastId);
  try {
    const [row] = await db
      .insert(tables.podcastSubscribers)
      .values({ id: newId(), podcastId, name: input.name, email: input.email, ...newTokenColumns(), createdAt: new Date() })
      .returning();
    return toSubscriber(row!, base);
  } catch (err) {
    if (isUniqueViolation(err)) throw alreadySubscribed(input.email);
    throw err;
  }
}

/** The subscribers of one of the viewer's shows, newest first (revoked ones too). */
export async function listSubscribers(viewer: Viewer, podcastId: string, base: string): Promise<Subscriber[]> {
  await requireOwnPodcast(viewer, podcastId);
  const rows = await db
    .select()
    .from(tables.podcastSubscribers)
    .where(eq(tables.podcastSubscribers.podcastId, podcastId))
    .orderBy(desc(tables.podcastSubscribers.createdAt), desc(tables.podcastSubscribers.id));
  return rows.map((r) => toSubscriber(r, base));
}

async function ownSubscriberRow(viewer: Viewer, podcastId: string, subscriberId: string): Promise<SubscriberRow> {
  await requireOwnPodcast(viewer, podcastId);
  if (!isUuid(subscriberId)) throw notFound("Subscriber");
  const [row] = await db
    .select()
    .from(tables.podcastSubscribers)
    .where(and(eq(tables.podcastSubscribers.id, subscriberId), eq(tables.podcastSubscribers.podcastId, podcastId)));
  if (!row) throw notFound("Subscriber");
  return row;
}

/** Revokes a subscriber: their feed and every file URL in it answer 404 from now on. */
export async function revokeSubscriber(viewer: Viewer, podcastId: string, subscriberId: string): Promise<void> {
  const row = await ownSubscriberRow(viewer, podcastId, subscriberId);
  if (row.revokedAt) return;
  await db.update(tables.podcastSubscribers).set({ revokedAt: new Date() }).where(eq(tables.podcastSubscribers.id, row.id));
}

/** Gives a subscriber a new feed URL; the old one (and its file URLs) stop working. Restores a revoked subscriber. */
export async function rotateSubscriber(viewer: Viewer, podcastId: string, subscriberId: string, base: string): Promise<Subscriber> {
  const row = await ownSubscriberRow(viewer, podcastId, subscriberId);
  const [updated] = await db
    .update(tables.podcastSubscribers)
    .set({ ...newTokenColumns(), revokedAt: null })
    .where(eq(tables.podcastSubscribers.id, row.id))
    .returning();
  return toSubscriber(updated!, base);
}

export interface SubscriberImport {
  created: number;
  /** Addresses already subscribed, or repeated in the file. */
  skipped: number;
  errors: { line: number; message: string }[];
}

/**
 * Adds the subscribers of a `name,email` CSV: duplicates by e-mail are skipped and counted, bad
 * lines reported. `csv` is read only once the show is known to be the viewer's.
 */
export async function importSubscribers(viewer: Viewer, podcastId: string, csv: string | (() => Promise<string>)): Promise<SubscriberImport> {
  await requireOwnPodcast(viewer, podcastId);
  const { rows, errors } = parseSubscriberCsv(typeof csv === "string" ? csv : await csv());
  const emails = [...new Set(rows.map((r) => r.input.email))];
  const existing = new Set<string>();
  for (let i = 0; i < emails.length; i += 500) {
    const found = await db
      .select({ email: tables.podcastSubscribers.email })
      .from(tables.podcastSubscribers)
      .where(and(eq(tables.podcastSubscribers.podcastId, podcastId), inArray(tables.podcastSubscribers.email, emails.slice(i, i + 500))));
    for (const f of found) existing.add(f.email);
  }
  let skipped = 0;
  const now = new Date();
  const values: (typeof tables.podcastSubscribers.$inferInsert)[] = [];
  for (const { input } of rows) {
    if (existing.has(input.email)) {
      skipped++;
      continue;
    }
    existing.add(input.email);
    values.push({ id: newId(), podcastId, name: input.name, email: input.email, ...newTokenColumns(), createdAt: now });
  }
  try {
    await transaction(async (tx) => {
      for (let i = 0; i < values.length; i += 200) await tx.insert(tables.podcastSubscribers).values(values.slice(i, i + 200));
    });
  } catch (err) {
    // Someone added one of these addresses meanwhile: nothing was written; the caller may retry.
    if (isUniqueViolation(err)) throw new AppError("conflict", "A subscriber in the file was added meanwhile; nothing was imported. Try again.");
    throw err;
  }
  return { created: values.length, skipped, errors };
}
