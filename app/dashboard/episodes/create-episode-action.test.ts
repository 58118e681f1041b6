import { afterAll, describe, expect, it, vi } from "vitest";
import { listEpisodes } from "@/lib/data/episodes";
import { getProcessing } from "@/lib/data/processing";
import { makeFixtureDir } from "@/tests/media-fixtures";
import { makePodcast, makeUser, uploadFromPath } from "@/tests/factories";

const session = vi.hoisted(() => ({ viewer: null as { userId: string } | null }));
vi.mock("@/lib/auth/session", () => ({ requireViewer: async () => session.viewer }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw Object.assign(new Error("NEXT_REDIRECT"), { digest: `NEXT_REDIRECT;replace;${to};307;` });
  },
  unstable_rethrow: (err: unknown) => {
    if (String((err as { digest?: string } | null)?.digest).startsWith("NEXT_REDIRECT")) throw err;
  },
}));

const fx = makeFixtureDir();
afterAll(() => fx.cleanup());

function form(fields: Record<string, string>) {
  const fd = new FormData();
  for (const [k, v] of Object.entries({ title: "From the file", description: "", episodeType: "full", ...fields })) fd.set(k, v);
  return fd;
}

/** The action's redirect target (it ends with one on success). */
async function redirectOf(run: Promise<unknown>): Promise<string> {
  const err = (await run.then(
    (state) => {
      throw new Error(`no redirect: ${JSON.stringify(state)}`);
    },
    (e: unknown) => e,
  )) as { digest?: string };
  return String(err.digest).split(";")[2]!;
}

describe("New episode's Create", () => {
  it("creates the episode, starts processing the recording with the show's defaults and goes to the episode", async () => {
    const user = await makeUser();
    session.viewer = user.viewer;
    const podcast = await makePodcast(user.viewer, { processing: { loudness: "podcast-mono", noiseReduction: true } });
    const recording = await uploadFromPath(user.viewer, fx.wav("raw-take.wav", 1, 300));
    const { createEpisodeAction } = await import("./actions");

    const to = await redirectOf(createEpisodeAction(podcast.id, {}, form({ audioFileId: recording.id })));
    const [episode] = (await listEpisodes(user.viewer, podcast.id, { limit: 10 })).items;
    expect(to).toBe(`/dashboard/episodes/${episode!.id}`);
    expect(episode).toMatchObject({ title: "From the file", status: "processing" });
    const processing = await getProcessing(user.viewer, episode!.id);
    expect(processing).toMatchObject({ status: "queued", sourceFileId: recording.id });
    expect(processing!.options).toMatchObject({ loudness: "podcast-mono", noiseReduction: true, leveler: true });
  });

  it("without a recording creates a draft and goes to it", async () => {
    const user = await makeUser();
    session.viewer = user.viewer;
    const podcast = await makePodcast(user.viewer);
    const { createEpisodeAction } = await import("./actions");
    const to = await redirectOf(createEpisodeAction(podcast.id, {}, form({})));
    const [episode] = (await listEpisodes(user.viewer, podcast.id, { limit: 10 })).items;
    expect(to).toBe(`/dashboard/episodes/${episode!.id}`);
    expect(episode!.status).toBe("draft");
    expect(await getProcessing(user.viewer, episode!.id)).toBeNull();
  });

  it("refuses an image or someone else's file as the recording, and creates nothing", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const cover = await uploadFromPath(user.viewer, fx.png("cover.png", 1400));
    const theirs = await uploadFromPath(other.viewer, fx.wav("their-take.wav", 1, 350));
    session.viewer = user.viewer;
    const { createEpisodeAction } = await import("./actions");

    const image = await createEpisodeAction(podcast.id, {}, form({ audioFileId: cover.id }));
    expect(image).toMatchObject({ fields: { audioFileId: "Choose an audio file." }, values: { title: "From the file" } });
    const foreign = await createEpisodeAction(podcast.id, {}, form({ audioFileId: theirs.id }));
    expect(foreign.message).toMatch(/not found/i);
    expect((await listEpisodes(user.viewer, podcast.id, { limit: 10 })).items).toEqual([]);
  });
});
