import "server-only";
import { and, eq, like, or } from "drizzle-orm";
import { db, tables } from "@/db";
import { transaction } from "@/db/tx";
import { bumpFeedVersion } from "./feed-version";
import { isUniqueViolation } from "@/db/errors";
import type { Viewer } from "@/lib/auth/viewer";
import { notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { firstFreeSlug } from "@/lib/slug";
import { announceEpisodeChange, announceFeedChange } from "@/lib/websub";
import type { CreateEpisodeInput, UpdateEpisodeInput } from "@/lib/validation/episode";
import { keysetAfter, toPage, type Page } from "./pagination";
import { requireEpisodeRole, requirePodcastRole, type PodcastRole } from "./access";
import { recordActivity } from "./activity";
import { slugTaken, withFreeSlug } from "./slugs";

type EpisodeRow = typeof tables.episodes.$inferSelect;

export interface Episode {
  id: string;
  podcastId: string;
  slug: string;
  guid: string;
  title: string;
  description: string;
  seasonNumber: number | null;
  episodeNumber: number | null;
  episodeType: EpisodeRow["episodeType"];
  explicit: boolean;
  status: EpisodeRow["status"];
  publishAt: Date | null;
  publishedAt: Date | null;
  audioFileId: string | null;
  /** The Opus rendition of the audio (made by processing), or null. */
  opusFileId: string | null;
  durationSeconds: number | null;
  sizeBytes: number | null;
  persons: NonNullable<EpisodeRow["persons"]>;
  soundbites: NonNullable<EpisodeRow["soundbites"]>;
  /** "subscribers": supporter-only, in subscriber feeds and nowhere public. */
  access: EpisodeRow["access"];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The fields of an episode that its owner and its listeners both see: the one mapping from the
 * row, shared by `toEpisode` here and the public view (lib/data/public.ts).
 */
export function episodeFields(row: EpisodeRow) {
  return {
    id: row.id,
    podcastId: row.podcastId,
    slug: row.slug,
    guid: row.guid,
    title: row.title,
    description: row.description,
    seasonNumber: row.seasonNumber,
    episodeNumber: row.episodeNumber,
    episodeType: row.episodeType,
    explicit: row.explicit,
    durationSeconds: row.durationSeconds,
    access: row.access,
    updatedAt: row.updatedAt,
  };
}

function toEpisode(row: EpisodeRow): Episode {
  return {
    ...episodeFields(row),
    status: row.status,
    publishAt: row.publishAt,
    publishedAt: row.publishedAt,
    audioFileId: row.audioFileId,
    opusFileId: row.opusFileId,
    sizeBytes: row.sizeBytes,
    persons: row.persons ?? [],
    soundbites: row.soundbites ?? [],
    createdAt: row.createdAt,
  };
}

function takenEpisodeSlugs(podcastId: string) {
  return async (base: string) => {
    const rows = await db
      .select({ slug: tables.episodes.slug })
      .from(tables.episodes)
      .where(
        and(
          eq(tables.episodes.podcastId, podcastId),
          or(eq(tables.episodes.slug, base), like(tables.episodes.slug, `${base}-%`)),
        ),
      );
    return new Set(rows.map((r) => r.slug));
  };
}

/** The episode row if the viewer has at least `need` on its podcast (not a member: not_found). */
async function episodeRowFor(viewer: Viewer, episodeId: string, need: PodcastRole): Promise<EpisodeRow> {
  return (await requireEpisodeRole(viewer, episodeId, need)).episode;
}

/** Creates a draft episode in one of the viewer's podcasts (editors and up), with a GUID that never changes. */
export async function createEpisode(viewer: Viewer, podcastId: string, input: CreateEpisodeInput): Promise<Episode> {
  await requirePodcastRole(viewer, podcastId, "editor");
  const now = new Date();
  const { slug: explicit, ...fields } = input;
  return withFreeSlug({
    explicit,
    title: input.title,
    takenLike: takenEpisodeSlugs(podcastId),
    insert: async (slug) => {
      const row = await transaction(async (tx) => {
        const [inserted] = await tx
          .insert(tables.episodes)
          .values({ ...fields, id: newId(), podcastId, slug, guid: newId(), createdAt: now, updatedAt: now })
          .returning();
        await bumpFeedVersion(tx, podcastId);
        await recordActivity(viewer, podcastId, "episode.created", inserted!.title, tx);
        return inserted;
      });
      return toEpisode(row!);
    },
  });
}

/** Episodes of one of the viewer's podcasts, newest first. */
export async function listEpisodes(
  viewer: Viewer,
  podcastId: string,
  opts: { limit: number; cursor?: string },
): Promise<Page<Episode>> {
  await requirePodcastRole(viewer, podcastId, "viewer");
  const { where, orderBy } = keysetAfter(tables.episodes, opts.cursor);
  const rows = await db
    .select()
    .from(tables.episodes)
    .where(and(eq(tables.episodes.podcastId, podcastId), where))
    .orderBy(...orderBy)
    .limit(opts.limit + 1);
  return toPage(rows, opts.limit, toEpisode);
}

/** One of the viewer's episodes (any member of its show may read it). */
export async function getEpisode(viewer: Viewer, episodeId: string): Promise<Episode> {
  return toEpisode(await episodeRowFor(viewer, episodeId, "viewer"));
}

/** Changes the fields given. The GUID and status are not editable here. */
export async function updateEpisode(viewer: Viewer, episodeId: string, patch: UpdateEpisodeInput): Promise<Episode> {
  const current = await episodeRowFor(viewer, episodeId, "editor");
  try {
    const row = await transaction(async (tx) => {
      const [updated] = await tx.update(tables.episodes).set({ ...patch, updatedAt: new Date() }).where(eq(tables.episodes.id, current.id)).returning();
      await bumpFeedVersion(tx, current.podcastId);
      await recordActivity(viewer, current.podcastId, "episode.edited", updated?.title ?? current.title, tx);
      return updated;
    });
    if (!row) throw notFound("Episode");
    if (row.status === "published") await announceEpisodeChange(row.id);
    return toEpisode(row);
  } catch (err) {
    if (patch.slug && isUniqueViolation(err)) {
      const taken = await takenEpisodeSlugs(current.podcastId)(patch.slug);
      throw slugTaken(patch.slug, firstFreeSlug(patch.slug, taken));
    }
    throw err;
  }
}

/** Deletes one of the viewer's episodes. */
export async function deleteEpisode(viewer: Viewer, episodeId: string): Promise<void> {
  const current = await episodeRowFor(viewer, episodeId, "editor");
  await transaction(async (tx) => {
    await tx.delete(tables.episodes).where(eq(tables.episodes.id, current.id));
    await bumpFeedVersion(tx, current.podcastId);
    await recordActivity(viewer, current.podcastId, "episode.deleted", current.title, tx);
  });
  if (current.status === "published") await announceFeedChange({ userId: viewer.userId, podcastId: current.podcastId });
}
