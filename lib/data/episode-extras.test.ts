import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { makeEpisode, makePodcast, makeUser } from "@/tests/factories";
import { getChapters, getTranscript, removeTranscript, setChapters, setTranscript } from "./episode-extras";

const vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n\n00:02.000 --> 00:03.000\nWorld\n";

async function setUp() {
  const owner = await makeUser();
  const podcast = await makePodcast(owner.viewer);
  const episode = await makeEpisode(owner.viewer, podcast.id);
  return { owner, episode };
}

describe("episode transcript", () => {
  it("stores, reads, replaces and removes it", async () => {
    const { owner, episode } = await setUp();
    expect(await getTranscript(owner.viewer, episode.id)).toBeNull();
    expect(await setTranscript(owner.viewer, episode.id, { text: `\uFEFF${vtt}`, format: "vtt" })).toEqual({ format: "vtt", cueCount: 2, sizeBytes: vtt.length });
    expect(await getTranscript(owner.viewer, episode.id)).toEqual({ format: "vtt", text: vtt, cueCount: 2, sizeBytes: vtt.length });
    await setTranscript(owner.viewer, episode.id, { text: "1\n00:00:01,000 --> 00:00:02,000\nHi\n", format: "srt" });
    expect(await getTranscript(owner.viewer, episode.id)).toMatchObject({ format: "srt", cueCount: 1 });
    await removeTranscript(owner.viewer, episode.id);
    expect(await getTranscript(owner.viewer, episode.id)).toBeNull();
    const [row] = await db.select().from(tables.episodes).where(eq(tables.episodes.id, episode.id));
    expect(row).toMatchObject({ transcript: null, transcriptFormat: null });
  });

  it("refuses a bad file with the line, keeping the stored one", async () => {
    const { owner, episode } = await setUp();
    await setTranscript(owner.viewer, episode.id, { text: vtt, format: "vtt" });
    await expect(setTranscript(owner.viewer, episode.id, { text: "WEBVTT\n\nhello\nthere\n", format: "vtt" })).rejects.toMatchObject({
      code: "invalid",
      message: "Line 4: expected a timing line like 00:00:01.000 --> 00:00:04.000",
      details: { line: 4 },
      fields: { text: expect.stringContaining("Line 4") },
    });
    expect(await getTranscript(owner.viewer, episode.id)).toMatchObject({ text: vtt });
  });

  it("answers not_found for someone else's episode, changing nothing", async () => {
    const { owner, episode } = await setUp();
    await setTranscript(owner.viewer, episode.id, { text: vtt, format: "vtt" });
    const other = await makeUser();
    await expect(getTranscript(other.viewer, episode.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(setTranscript(other.viewer, episode.id, { text: vtt, format: "vtt" })).rejects.toMatchObject({ code: "not_found" });
    await expect(removeTranscript(other.viewer, episode.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(removeTranscript(other.viewer, "not-a-uuid")).rejects.toMatchObject({ code: "not_found" });
    expect(await getTranscript(owner.viewer, episode.id)).toMatchObject({ text: vtt });
  });
});

describe("episode chapters", () => {
  it("stores them in order, replaces and removes them with an empty list", async () => {
    const { owner, episode } = await setUp();
    expect(await getChapters(owner.viewer, episode.id)).toEqual([]);
    const chapters = [{ startSeconds: 0, title: "Intro" }, { startSeconds: 65.5, title: " Interview " }];
    expect(await setChapters(owner.viewer, episode.id, chapters)).toEqual([{ startSeconds: 0, title: "Intro" }, { startSeconds: 65.5, title: "Interview" }]);
    expect(await getChapters(owner.viewer, episode.id)).toEqual([{ startSeconds: 0, title: "Intro" }, { startSeconds: 65.5, title: "Interview" }]);
    await setChapters(owner.viewer, episode.id, []);
    expect(await getChapters(owner.viewer, episode.id)).toEqual([]);
    const [row] = await db.select({ chapters: tables.episodes.chapters }).from(tables.episodes).where(eq(tables.episodes.id, episode.id));
    expect(row!.chapters).toBeNull();
  });

  it("refuses chapters out of order or past the end of the audio", async () => {
    const { owner, episode } = await setUp();
    await expect(setChapters(owner.viewer, episode.id, [{ startSeconds: 10, title: "B" }, { startSeconds: 5, title: "A" }])).rejects.toMatchObject({
      code: "invalid",
      message: expect.stringMatching(/^Chapter 2: starts at 0:05/),
    });
    await db.update(tables.episodes).set({ durationSeconds: 120 }).where(eq(tables.episodes.id, episode.id));
    await expect(setChapters(owner.viewer, episode.id, [{ startSeconds: 0, title: "A" }, { startSeconds: 120, title: "Late" }])).rejects.toMatchObject({
      code: "invalid",
      message: 'Chapter 2 ("Late") starts after the episode\'s audio ends.',
    });
  });

  it("answers not_found for someone else's episode", async () => {
    const { owner, episode } = await setUp();
    await setChapters(owner.viewer, episode.id, [{ startSeconds: 0, title: "Intro" }]);
    const other = await makeUser();
    await expect(getChapters(other.viewer, episode.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(setChapters(other.viewer, episode.id, [])).rejects.toMatchObject({ code: "not_found" });
    expect(await getChapters(owner.viewer, episode.id)).toHaveLength(1);
  });
});
