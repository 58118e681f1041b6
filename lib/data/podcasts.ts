import "server-only";
import { and, eq, isNotNull, like, or } from "drizzle-orm";
import { db, tables } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { transaction } from "@/db/tx";
import type { Viewer } from "@/lib/auth/viewer";
import { categoryProblem } from "@/lib/apple-categories";
import { AppError, notFound } from "@/lib/errors";
import { isUuid, newId } from "@/lib/ids";
import { colourModel, type ColourModel } from "@/lib/media/colour-model";
import { firstFreeSlug } from "@/lib/slug";
import { readHead } from "@/lib/storage";
import { announceFeedChange } from "@/lib/websub";
import type { CreatePodcastInput, ListenLink, UpdatePodcastInput } from "@/lib/validation/podcast";
import type { ProcessingOverrides } from "@/lib/validation/processing";
import { accentOfCover } from "./accent";
import { requirePodcastRole, type PodcastRole } from "./access";
import { recordActivity } from "./activity";
import { newFeedVersion } from "./feed-version";
import { keysetAfter, toPage, type Page } from "./pagination";
import { slugTaken, withFreeSlug } from "./slugs";

type PodcastRow = typeof tables.podcasts.$inferSelect;

export interface Podcast {
  id: string;
  slug: string;
  title: string;
  description: string;
  author: string;
  ownerName: string;
  ownerEmail: string;
  language: string;
  category: string | null;
  subcategory: string | null;
  explicit: boolean;
  type: "episodic" | "serial";
  website: string | null;
  copyright: string | null;
  coverFileId: string | null;
  introFileId: string | null;
  outroFileId: string | null;
  processing: ProcessingOverrides | null;
  /** Set when the show moved away: its feed answers 301 there. */
  movedToFeedUrl: string | null;
  /** The old host's feed, for imported shows. */
  importedFromUrl: string | null;
  listenLinks: ListenLink[];
  enclosurePrefix: string | null;
  /** Mastering also writes an Opus rendition, listed in the feed beside the MP3. */
  opusRendition: boolean;
  funding: NonNullable<PodcastRow["funding"]>;
  persons: NonNullable<PodcastRow["persons"]>;
  podroll: NonNullable<PodcastRow["podroll"]>;
  txt: NonNullable<PodcastRow["txt"]>;
  location: PodcastRow["location"];
  /** "private": no public page, feed or file (the `is_private` column); subscribers' feeds still work. */
  visibility: "public" | "private";
  /** The viewer's role on this show (owner, or a member's: admin, editor, viewer). */
  role: PodcastRole;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The fields of a podcast that its owner and its listeners both see: the one mapping from the
 * row, shared by `toPodcast` here and the public view (lib/data/public.ts).
 */
export function podcastFields(row: PodcastRow) {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    author: row.author,
    ownerName: row.ownerName,
    ownerEmail: row.ownerEmail,
    language: row.language,
    category: row.category,
    subcategory: row.subcategory,
    explicit: row.explicit,
    type: row.type,
    website: row.website,
    copyright: row.copyright,
    listenLinks: (row.listenLinks as ListenLink[] | null) ?? [],
    enclosurePrefix: row.enclosurePrefix,
    opusRendition: row.opusRendition,
    funding: row.funding ?? [],
    persons: row.persons ?? [],
    podroll: row.podroll ?? [],
    txt: row.txt ?? [],
    location: row.location ?? null,
    updatedAt: row.updatedAt,
  };
}

function toPodcast(row: PodcastRow, role: PodcastRole): Podcast {
  return {
    ...podcastFields(row),
    role,
    coverFileId: row.coverFileId,
    introFileId: row.introFileId,
    outroFileId: row.outroFileId,
    processing: (row.processing as ProcessingOverrides | null) ?? null,
    movedToFeedUrl: row.movedToFeedUrl,
    importedFromUrl: row.importedFromUrl,
    visibility: row.isPrivate ? "private" : "public",
    createdAt: row.createdAt,
  };
}

async function takenPodcastSlugs(base: string): Promise<Set<string>> {
  const rows = await db
    .select({ slug: tables.podcasts.slug })
    .from(tables.podcasts)
    .where(or(eq(tables.podcasts.slug, base), like(tables.podcasts.slug, `${base}-%`)));
  return new Set(rows.map((r) => r.slug));
}

/** Apple's cover rule: a square JPEG or PNG of 1400 to 3000 pixels a side… */
export function coverProblem(width: number, height: number): string | null {
  if (width !== height) return `Cover art must be square; this image is ${width}×${height} pixels.`;
  if (width < 1400 || width > 3000) return `Cover art must be between 1400×1400 and 3000×3000 pixels; this image is ${width}×${height}.`;
  return null;
}

/** …in the RGB colour space. */
export function coverColourProblem(colour: ColourModel | null): string | null {
  if (colour === "cmyk") return "Cover art must be in the RGB colour space; this image is CMYK (print colours). Save it as RGB and upload it again.";
  if (colour === "grayscale") return "Cover art must be in the RGB colour space; this image is grayscale. Save it as RGB and upload it again.";
  return null;
}

/** Where a JPEG's frame header may sit at the latest (after EXIF, XMP and ICC segments). */
const COVER_HEAD_BYTES = 1024 * 1024;

/**
 * Files a podcast points at must be the viewer's, of the right kind; a file the podcast already
 * uses (another member's) may stay.
 */
async function assertOwnFiles(
  viewer: Viewer,
  input: { coverFileId?: string | null; introFileId?: string | null; outroFileId?: string | null },
  current?: PodcastRow,
) {
  const wanted = [
    ["coverFileId", input.coverFileId, "image", "No such image in your media library."],
    ["introFileId", input.introFileId, "audio", "No such audio file in your media library."],
    ["outroFileId", input.outroFileId, "audio", "No such audio file in your media library."],
  ] as const;
  for (const [field, fileId, kind, message] of wanted) {
    if (!fileId || (current && current[field] === fileId)) continue;
    const [file] = await db
      .select({
        kind: tables.mediaFiles.kind,
        width: tables.mediaFiles.width,
        height: tables.mediaFiles.height,
        storageKey: tables.mediaFiles.storageKey,
        sizeBytes: tables.mediaFiles.sizeBytes,
      })
      .from(tables.mediaFiles)
      .where(and(eq(tables.mediaFiles.id, fileId), eq(tables.mediaFiles.ownerId, viewer.userId)));
    if (!file || file.kind !== kind) throw new AppError("invalid", "Some fields are not valid.", { fields: { [field]: message } });
    if (field === "coverFileId") {
      const problem =
        coverProblem(file.width ?? 0, file.height ?? 0) ?? coverColourProblem(colourModel(await readHead(file.storageKey, Math.min(file.sizeBytes, COVER_HEAD_BYTES))));
      if (problem) throw new AppError("invalid", problem, { fields: { coverFileId: problem } });
    }
  }
}

/** Creates a podcast for the viewer; see withFreeSlug for how the slug is chosen. */
export async function createPodcast(viewer: Viewer, input: CreatePodcastInput): Promise<Podcast> {
  await assertOwnFiles(viewer, input);
  const now = new Date();
  const { slug: explicit, visibility, ...fields } = input;
  const accentColor = await accentOfCover(input.coverFileId ?? null);
  return withFreeSlug({
    explicit,
    title: input.title,
    takenLike: takenPodcastSlugs,
    insert: async (slug) => {
      const row = await transaction(async (tx) => {
        const [inserted] = await tx
          .insert(tables.podcasts)
          .values({ ...fields, accentColor, isPrivate: visibility === "private", id: newId(), ownerId: viewer.userId, slug, feedVersion: newFeedVersion(), createdAt: now, updatedAt: now })
          .returning();
        await tx.insert(tables.podcastMembers).values({ id: newId(), podcastId: inserted!.id, userId: viewer.userId, role: "owner", createdAt: now });
        // A live show's slug wins over another show's former one.
        await tx.delete(tables.podcastSlugRedirects).where(eq(tables.podcastSlugRedirects.slug, slug));
        return inserted!;
      });
      return toPodcast(row, "owner");
    },
  });
}

/** The viewer's podcasts and the shows they are a member of (with their role), newest first. */
export async function listPodcasts(viewer: Viewer, opts: { limit: number; cursor?: string }): Promise<Page<Podcast>> {
  const { where, orderBy } = keysetAfter(tables.podcasts, opts.cursor);
  const m = tables.podcastMembers;
  const rows = await db
    .select({ podcast: tables.podcasts, memberRole: m.role })
    .from(tables.podcasts)
    .leftJoin(m, and(eq(m.podcastId, tables.podcasts.id), eq(m.userId, viewer.userId)))
    .where(and(or(eq(tables.podcasts.ownerId, viewer.userId), isNotNull(m.id)), where))
    .orderBy(...orderBy)
    .limit(opts.limit + 1);
  return toPage(
    rows.map((r) => ({ ...r.podcast, memberRole: r.memberRole })),
    opts.limit,
    ({ memberRole, ...row }) => toPodcast(row, row.ownerId === viewer.userId ? "owner" : (memberRole ?? "viewer")),
  );
}

/** One of the viewer's podcasts (any member may read it). */
export async function getPodcast(viewer: Viewer, podcastId: string): Promise<Podcast> {
  const { podcast, role } = await requirePodcastRole(viewer, podcastId, "viewer");
  return toPodcast(podcast, role);
}

/** Changes the fields given (admins and the owner); a new slug must be free. */
export async function updatePodcast(viewer: Viewer, podcastId: string, patch: UpdatePodcastInput): Promise<Podcast> {
  const { podcast: current, role } = await requirePodcastRole(viewer, podcastId, "admin");
  const category = patch.category !== undefined ? patch.category : current.category;
  // A changed category drops a subcategory that no longer fits, unless one is given.
  let subcategory = patch.subcategory !== undefined ? patch.subcategory : current.subcategory;
  if (patch.category !== undefined && patch.subcategory === undefined && categoryProblem(category, subcategory)) {
    subcategory = null;
  }
  const problem = categoryProblem(category, subcategory);
  if (problem) throw new AppError("invalid", "Some fields are not valid.", { fields: { subcategory: problem } });
  await assertOwnFiles(viewer, patch, current);
  const { visibility, ...columns } = patch;
  const coverChanged = patch.coverFileId !== undefined && (patch.coverFileId !== current.coverFileId || !current.accentColor);
  const accent = coverChanged ? { accentColor: await accentOfCover(patch.coverFileId ?? null) } : {};
  const renamed = patch.slug !== undefined && patch.slug !== current.slug;
  try {
    const row = await transaction(async (tx) => {
      const [updated] = await tx
        .update(tables.podcasts)
        .set({ ...columns, ...accent, ...(visibility ? { isPrivate: visibility === "private" } : {}), category, subcategory, feedVersion: newFeedVersion(), updatedAt: new Date() })
        .where(eq(tables.podcasts.id, podcastId))
        .returning();
      if (updated && renamed) {
        // The old URLs answer 301 to the new ones (lib/delivery, the public pages): apps
        // subscribed to the old feed follow it. Taking back a former slug ends its redirect.
        const r = tables.podcastSlugRedirects;
        await tx.delete(r).where(eq(r.slug, updated.slug));
        await tx
          .insert(r)
          .values({ slug: current.slug, podcastId, createdAt: new Date() })
          .onConflictDoUpdate({ target: r.slug, set: { podcastId, createdAt: new Date() } });
      }
      return updated;
    });
    if (!row) throw notFound("Podcast");
    await recordActivity(viewer, podcastId, "podcast.edited", row.title);
    if (!row.isPrivate) await announceFeedChange({ userId: viewer.userId, podcastId });
    return toPodcast(row, role);
  } catch (err) {
    if (patch.slug && isUniqueViolation(err)) {
      throw slugTaken(patch.slug, firstFreeSlug(patch.slug, await takenPodcastSlugs(patch.slug)));
    }
    throw err;
  }
}

/** Deletes one of the viewer's podcasts with its episodes (the owner only). */
export async function deletePodcast(viewer: Viewer, podcastId: string): Promise<void> {
  await requirePodcastRole(viewer, podcastId, "owner");
  await db.delete(tables.podcasts).where(eq(tables.podcasts.id, podcastId));
}

export { requireOwnPodcast } from "./access";

/** Whether the viewer is a member of this podcast (any role): the public pages then show one "Edit in dashboard" link. */
export async function isPodcastMember(viewer: Viewer, podcastId: string): Promise<boolean> {
  if (!isUuid(podcastId)) return false;
  const m = tables.podcastMembers;
  const [row] = await db
    .select({ id: m.id })
    .from(m)
    .where(and(eq(m.podcastId, podcastId), eq(m.userId, viewer.userId)));
  return !!row;
}
