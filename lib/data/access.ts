import "server-only";
import { and, eq } from "drizzle-orm";
import { db, tables } from "@/db";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError, notFound } from "@/lib/errors";
import { isUuid } from "@/lib/ids";

/**
 * Who may do what with a podcast: the one access check of lib/data. A podcast's owner is
 * `podcasts.owner_id`; everyone else is a row in `podcast_members`. Someone who is not a member
 * gets not_found, exactly like a missing podcast; a member whose role is below the one needed
 * gets `forbidden` (403) with a plain message that names nothing of the show.
 *
 * - viewer: reads the show, its episodes and its analytics
 * - editor: episodes (create, edit, delete, process, publish, transcripts, chapters)
 * - admin: the podcast's settings and its members
 * - owner: deleting the podcast, transferring it
 */
export type PodcastRole = "owner" | "admin" | "editor" | "viewer";
export const PODCAST_ROLES: readonly PodcastRole[] = ["owner", "admin", "editor", "viewer"];

const RANK: Record<PodcastRole, number> = { viewer: 1, editor: 2, admin: 3, owner: 4 };

type PodcastRow = typeof tables.podcasts.$inferSelect;
type EpisodeRow = typeof tables.episodes.$inferSelect;

/** True when `role` includes everything `need` may do. */
export function roleAtLeast(role: PodcastRole, need: PodcastRole): boolean {
  return RANK[role] >= RANK[need];
}

const NEEDS: Record<PodcastRole, string> = {
  viewer: "a member of this show",
  editor: "an editor, admin or the owner of this show",
  admin: "an admin or the owner of this show",
  owner: "the owner of this show",
};

function forbidden(role: PodcastRole, need: PodcastRole): AppError {
  return new AppError("forbidden", `You are a${role === "admin" || role === "owner" ? "n" : ""} ${role} of this show; only ${NEEDS[need]} can do this.`, {
    details: { role, need },
  });
}

function roleOf(viewer: Viewer, ownerId: string, memberRole: PodcastRole | null): PodcastRole | null {
  return ownerId === viewer.userId ? "owner" : memberRole;
}

/** The podcast row and the viewer's role on it, if the viewer needs at least `need`. */
export async function requirePodcastRole(viewer: Viewer, podcastId: string, need: PodcastRole): Promise<{ podcast: PodcastRow; role: PodcastRole }> {
  if (!isUuid(podcastId)) throw notFound("Podcast");
  const m = tables.podcastMembers;
  const [found] = await db
    .select({ podcast: tables.podcasts, memberRole: m.role })
    .from(tables.podcasts)
    .leftJoin(m, and(eq(m.podcastId, tables.podcasts.id), eq(m.userId, viewer.userId)))
    .where(eq(tables.podcasts.id, podcastId));
  const role = found ? roleOf(viewer, found.podcast.ownerId, found.memberRole) : null;
  if (!found || !role) throw notFound("Podcast");
  if (!roleAtLeast(role, need)) throw forbidden(role, need);
  return { podcast: found.podcast, role };
}

/** An episode with its podcast and the viewer's role on that podcast, if the viewer needs at least `need`. */
export async function requireEpisodeRole(
  viewer: Viewer,
  episodeId: string,
  need: PodcastRole,
): Promise<{ episode: EpisodeRow; podcast: PodcastRow; role: PodcastRole }> {
  if (!isUuid(episodeId)) throw notFound("Episode");
  const m = tables.podcastMembers;
  const [found] = await db
    .select({ episode: tables.episodes, podcast: tables.podcasts, memberRole: m.role })
    .from(tables.episodes)
    .innerJoin(tables.podcasts, eq(tables.podcasts.id, tables.episodes.podcastId))
    .leftJoin(m, and(eq(m.podcastId, tables.podcasts.id), eq(m.userId, viewer.userId)))
    .where(eq(tables.episodes.id, episodeId));
  const role = found ? roleOf(viewer, found.podcast.ownerId, found.memberRole) : null;
  if (!found || !role) throw notFound("Episode");
  if (!roleAtLeast(role, need)) throw forbidden(role, need);
  return { episode: found.episode, podcast: found.podcast, role };
}

/**
 * The viewer's podcast row if they are its admin or owner (kept for callers written before
 * teams: "own" now means "may change its settings").
 */
export async function requireOwnPodcast(viewer: Viewer, podcastId: string): Promise<PodcastRow> {
  return (await requirePodcastRole(viewer, podcastId, "admin")).podcast;
}
