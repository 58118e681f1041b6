import "server-only";
import { and, eq } from "drizzle-orm";
import { db, tables } from "@/db";
import { log } from "@/lib/log";
import { coverAccentColour } from "@/lib/media/accent";
import { getStorage } from "@/lib/storage";

/**
 * The accent colour of a podcast's public pages comes from its cover (lib/colour.ts picks it
 * from a thumbnail ffmpeg decodes). It is stored with the podcast when the cover is set and
 * computed once for podcasts whose cover was set before there was such a column.
 */

/** The accent of a stored cover file, or null when it cannot be read (the pages then use none). */
export async function accentOfCover(fileId: string | null): Promise<string | null> {
  if (!fileId) return null;
  const [file] = await db.select({ storageKey: tables.mediaFiles.storageKey }).from(tables.mediaFiles).where(eq(tables.mediaFiles.id, fileId));
  if (!file) return null;
  try {
    return await coverAccentColour(await getStorage().localPath(file.storageKey));
  } catch (err) {
    log.warn("cover accent colour failed", { fileId, error: (err as Error).message });
    return null;
  }
}

/**
 * The accent of a podcast whose cover has none stored yet: computed and stored, unless the
 * cover changed meanwhile. Not a feed change (the feed carries no accent).
 */
export async function backfillAccentColor(podcastId: string, coverFileId: string): Promise<string | null> {
  const accent = await accentOfCover(coverFileId);
  if (accent) {
    await db
      .update(tables.podcasts)
      .set({ accentColor: accent })
      .where(and(eq(tables.podcasts.id, podcastId), eq(tables.podcasts.coverFileId, coverFileId)));
  }
  return accent;
}
