import "server-only";
import { eq } from "drizzle-orm";
import { db, tables } from "@/db";
import { transaction } from "@/db/tx";
import { bumpFeedVersion } from "./feed-version";
import type { Viewer } from "@/lib/auth/viewer";
import { validateChapters, type Chapter, type ChaptersResult } from "@/lib/chapters";
import { AppError, notFound } from "@/lib/errors";
import { parseTranscript, type TranscriptFormat, type TranscriptResult } from "@/lib/transcripts";
import { announceEpisodeChange } from "@/lib/websub";
import { requireEpisodeRole } from "./access";
import { getEpisode } from "./episodes";

/** The episode, if the viewer may edit it (editors and up). */
async function editableEpisode(viewer: Viewer, episodeId: string) {
  await requireEpisodeRole(viewer, episodeId, "editor");
  return getEpisode(viewer, episodeId);
}

/**
 * An episode's transcript and chapters: members read them, editors and up change them
 * (lib/data/access.ts; not a member: not_found, like a missing episode). Chapters reach the MP3's ID3
 * CHAP/CTOC frames only when the episode is processed again; the feed and public pages use
 * them at once.
 */

export interface TranscriptSummary {
  format: TranscriptFormat;
  cueCount: number;
  sizeBytes: number;
}

export interface Transcript extends TranscriptSummary {
  text: string;
}

/** A failed validation as the `invalid` error the boundaries map (422 / form message). */
export function invalidFile(result: Extract<TranscriptResult | ChaptersResult, { ok: false }>, field: string): AppError {
  return new AppError("invalid", result.message, {
    fields: { [field]: result.message },
    details: { ...(result.line ? { line: result.line } : {}), ...("path" in result && result.path ? { path: result.path } : {}) },
  });
}

/** Validates and stores the viewer's episode transcript, replacing any earlier one. */
export async function setTranscript(viewer: Viewer, episodeId: string, input: { text: string; format: TranscriptFormat }): Promise<TranscriptSummary> {
  const episode = await editableEpisode(viewer, episodeId);
  const parsed = parseTranscript(input.text, input.format);
  if (!parsed.ok) throw invalidFile(parsed, "text");
  const text = input.text.replace(/^\uFEFF/, "");
  await transaction(async (tx) => {
    await tx.update(tables.episodes).set({ transcript: text, transcriptFormat: input.format, updatedAt: new Date() }).where(eq(tables.episodes.id, episode.id));
    await bumpFeedVersion(tx, episode.podcastId);
  });
  await announceEpisodeChange(episode.id);
  return { format: input.format, cueCount: parsed.cues.length, sizeBytes: Buffer.byteLength(text) };
}

/** Removes the viewer's episode transcript (nothing to remove is fine). */
export async function removeTranscript(viewer: Viewer, episodeId: string): Promise<void> {
  const episode = await editableEpisode(viewer, episodeId);
  await transaction(async (tx) => {
    await tx.update(tables.episodes).set({ transcript: null, transcriptFormat: null, updatedAt: new Date() }).where(eq(tables.episodes.id, episode.id));
    await bumpFeedVersion(tx, episode.podcastId);
  });
  await announceEpisodeChange(episode.id);
}

/** The viewer's episode transcript, or null when it has none. */
export async function getTranscript(viewer: Viewer, episodeId: string): Promise<Transcript | null> {
  const episode = await getEpisode(viewer, episodeId);
  const [row] = await db
    .select({ text: tables.episodes.transcript, format: tables.episodes.transcriptFormat })
    .from(tables.episodes)
    .where(eq(tables.episodes.id, episode.id));
  if (!row?.text || !row.format) return null;
  const parsed = parseTranscript(row.text, row.format);
  return { format: row.format, text: row.text, cueCount: parsed.ok ? parsed.cues.length : 0, sizeBytes: Buffer.byteLength(row.text) };
}

/** The viewer's episode chapters, in order (empty when it has none). */
export async function getChapters(viewer: Viewer, episodeId: string): Promise<Chapter[]> {
  const episode = await getEpisode(viewer, episodeId);
  const [row] = await db.select({ chapters: tables.episodes.chapters }).from(tables.episodes).where(eq(tables.episodes.id, episode.id));
  if (!row) throw notFound("Episode");
  return row.chapters ?? [];
}

/**
 * Validates and stores the viewer's episode chapters (an empty list removes them). A chapter
 * may not start after the end of the episode's current audio.
 */
export async function setChapters(viewer: Viewer, episodeId: string, chapters: Chapter[]): Promise<Chapter[]> {
  const episode = await editableEpisode(viewer, episodeId);
  const checked = validateChapters(chapters);
  if (!checked.ok) throw invalidFile(checked, "chapters");
  const duration = episode.durationSeconds;
  const late = duration ? checked.chapters.findIndex((c) => c.startSeconds >= duration) : -1;
  if (late >= 0) {
    const message = `Chapter ${late + 1} ("${checked.chapters[late]!.title}") starts after the episode's audio ends.`;
    throw new AppError("invalid", message, { fields: { chapters: message }, details: { path: `chapters[${late}]` } });
  }
  await transaction(async (tx) => {
    await tx.update(tables.episodes).set({ chapters: checked.chapters.length ? checked.chapters : null, updatedAt: new Date() }).where(eq(tables.episodes.id, episode.id));
    await bumpFeedVersion(tx, episode.podcastId);
  });
  await announceEpisodeChange(episode.id);
  return checked.chapters;
}
