import "server-only";
import { and, desc, eq, lt } from "drizzle-orm";
import { db, tables, type Db } from "@/db";
import type { Viewer } from "@/lib/auth/viewer";
import { newId } from "@/lib/ids";
import { requirePodcastRole } from "./access";

/** What can happen to a show, as its activity list says it. */
export type ActivityAction =
  | "episode.created"
  | "episode.edited"
  | "episode.processed"
  | "episode.published"
  | "episode.scheduled"
  | "episode.unpublished"
  | "episode.deleted"
  | "podcast.edited"
  | "member.invited"
  | "member.joined"
  | "member.removed"
  | "member.role_changed"
  | "invitation.revoked"
  | "podcast.transferred";

export interface Activity {
  id: string;
  actorName: string;
  action: ActivityAction;
  targetTitle: string;
  createdAt: Date;
}

/**
 * Records that the viewer did `action` to `targetTitle` in a show. Called by the data-layer
 * function that did it, after its write (or with its transaction's `tx`).
 */
export async function recordActivity(viewer: Viewer, podcastId: string, action: ActivityAction, targetTitle: string, tx: Db = db): Promise<void> {
  const [user] = await tx.select({ name: tables.users.name, email: tables.users.email }).from(tables.users).where(eq(tables.users.id, viewer.userId));
  await tx.insert(tables.podcastActivity).values({
    id: newId(),
    podcastId,
    actorId: viewer.userId,
    actorName: user?.name || user?.email || "Someone",
    action,
    targetTitle,
    createdAt: new Date(),
  });
}

/** The show's activity, newest first (admins and the owner). */
export async function listActivity(viewer: Viewer, podcastId: string, opts: { limit: number; before?: Date } = { limit: 50 }): Promise<Activity[]> {
  await requirePodcastRole(viewer, podcastId, "admin");
  const a = tables.podcastActivity;
  const rows = await db
    .select()
    .from(a)
    .where(and(eq(a.podcastId, podcastId), opts.before ? lt(a.createdAt, opts.before) : undefined))
    .orderBy(desc(a.createdAt), desc(a.id))
    .limit(opts.limit);
  return rows.map((r) => ({ id: r.id, actorName: r.actorName, action: r.action as ActivityAction, targetTitle: r.targetTitle, createdAt: r.createdAt }));
}
