import "server-only";
import { and, eq } from "drizzle-orm";
import { db, tables } from "@/db";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError, notFound } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { forbiddenMessage, roleAtLeast, type PodcastRole } from "@/lib/roles";

/**
 * Who may do what with a podcast: the one access check of lib/data (the roles are in
 * lib/roles.ts). A podcast's owner is `podcasts.owner_id`; everyone else is a row in
 * `podcast_members`. Someone who is not a member gets not_found, exactly like a missing podcast;
 * a member whose role is below the one needed gets `forbidden` (403) with a plain message that
 * names nothing of the show.
 */
export { PODCAST_ROLES, roleAtLeast, type PodcastRole } from "@/lib/roles";

type PodcastRow = typeof tables.podcasts.$inferSelect;
type EpisodeRow = typeof tables.episodes.$inferSelect;

function forbidden(role: PodcastRole, need: PodcastRole): AppError {
  return new AppError("forbidden", forbiddenMessage(role, need), { details: { role, need } });
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
