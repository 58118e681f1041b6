import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { newId } from "@/lib/ids";
import { makeFixtureDir } from "@/tests/media-fixtures";
import { makeEpisode, makePodcast, makeUser, uploadFromPath } from "@/tests/factories";
import { listSourceAudio } from "./media";
import { cancelProcessing, failProcessing, getProcessing, outputKeyFor, retryProcessing, startProcessing } from "./processing";

const fx = makeFixtureDir();
afterAll(() => fx.cleanup());

/** Marks a processing succeeded with a master recorded as a media file, as completeProcessing does. */
async function recordOutput(ownerId: string, processingId: string) {
  const id = newId();
  await db.insert(tables.mediaFiles).values({
    id,
    ownerId,
    kind: "audio",
    originalFilename: "mastered.mp3",
    storageKey: outputKeyFor(processingId),
    mimeType: "audio/mpeg",
    sizeBytes: 10,
    sha256: `sha-${id}`,
    durationSeconds: 2,
    createdAt: new Date(),
  });
  await db.update(tables.episodeProcessing).set({ status: "succeeded", outputFileId: id }).where(eq(tables.episodeProcessing.id, processingId));
  return id;
}

describe("the recording picker", () => {
  it("lists source recordings newest first, without masters or a podcast's intro and outro", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const older = await uploadFromPath(user.viewer, fx.wav("older-take.wav", 1, 300));
    const intro = await uploadFromPath(user.viewer, fx.wav("intro.wav", 1, 500));
    const newer = await uploadFromPath(user.viewer, fx.wav("newer-take.wav", 1, 700));
    await uploadFromPath(user.viewer, fx.png("cover.png", 1400));
    await db.update(tables.mediaFiles).set({ createdAt: new Date(Date.now() - 60_000) }).where(eq(tables.mediaFiles.id, older.id));
    await db.update(tables.podcasts).set({ introFileId: intro.id }).where(eq(tables.podcasts.id, podcast.id));
    const episode = await makeEpisode(user.viewer, podcast.id);
    const run = await startProcessing(user.viewer, episode.id, { audioFileId: newer.id });
    const master = await recordOutput(user.viewer.userId, run.id);

    const recordings = await listSourceAudio(user.viewer, { limit: 100, purpose: "recordings" });
    expect(recordings.map((f) => f.originalFilename)).toEqual(["newer-take.wav", "older-take.wav"]);
    expect(recordings[0]).toMatchObject({ durationSeconds: expect.closeTo(1, 1), createdAt: expect.any(Date) });
    const bumpers = await listSourceAudio(user.viewer, { limit: 100, purpose: "bumpers" });
    expect(bumpers.map((f) => f.id).sort()).toEqual([older.id, intro.id, newer.id].sort());
    expect(bumpers.map((f) => f.id)).not.toContain(master);

    const other = await makeUser();
    expect(await listSourceAudio(other.viewer, { limit: 100, purpose: "recordings" })).toEqual([]);
  });
});

describe("retrying a processing", () => {
  it("starts the failed run again with the same recording and options", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const recording = await uploadFromPath(user.viewer, fx.wav("retry-me.wav", 1, 400));
    const episode = await makeEpisode(user.viewer, podcast.id);
    await expect(retryProcessing(user.viewer, episode.id)).rejects.toMatchObject({ code: "conflict" });

    const first = await startProcessing(user.viewer, episode.id, { audioFileId: recording.id, introFileId: null, options: { loudness: "ebu-r128", noiseReduction: true } });
    await expect(retryProcessing(user.viewer, episode.id)).rejects.toMatchObject({ code: "conflict" });
    await failProcessing(first.id, "The recording could not be decoded.");
    expect((await getProcessing(user.viewer, episode.id))?.status).toBe("failed");

    const other = await makeUser();
    await expect(retryProcessing(other.viewer, episode.id)).rejects.toMatchObject({ code: "not_found" });

    const again = await retryProcessing(user.viewer, episode.id);
    expect(again.id).not.toBe(first.id);
    expect(again).toMatchObject({ status: "queued", sourceFileId: recording.id, introFileId: null, options: first.options });
    expect(again.options).toMatchObject({ loudness: "ebu-r128", noiseReduction: true });

    await cancelProcessing(user.viewer, episode.id);
    expect((await retryProcessing(user.viewer, episode.id)).status).toBe("queued");
  });

  it("says so when the recording is gone", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const recording = await uploadFromPath(user.viewer, fx.wav("gone.wav", 1, 450));
    const episode = await makeEpisode(user.viewer, podcast.id);
    const run = await startProcessing(user.viewer, episode.id, { audioFileId: recording.id });
    await failProcessing(run.id, "broken");
    await db.update(tables.episodeProcessing).set({ sourceFileId: null }).where(eq(tables.episodeProcessing.id, run.id));
    await expect(retryProcessing(user.viewer, episode.id)).rejects.toMatchObject({ code: "invalid", message: expect.stringMatching(/no longer in your media library/) });
  });
});
