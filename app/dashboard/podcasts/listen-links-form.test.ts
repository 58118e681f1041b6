import { describe, expect, it, vi } from "vitest";
import { getPodcast } from "@/lib/data/podcasts";
import { makePodcast, makeUser } from "@/tests/factories";

const session = vi.hoisted(() => ({ viewer: null as { userId: string } | null }));
vi.mock("@/lib/auth/session", () => ({ requireViewer: async () => session.viewer }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw Object.assign(new Error("NEXT_REDIRECT"), { digest: `NEXT_REDIRECT;replace;${to};307;` });
  },
}));

function editForm(title: string, rows: [string, string][]) {
  const fd = new FormData();
  for (const [k, v] of Object.entries({ title, description: "", author: "", ownerName: "", ownerEmail: "", language: "en", type: "episodic", "p.present": "1", "p.loudness": "podcast-stereo", "p.channels": "stereo", "p.crossfadeSeconds": "0" })) fd.set(k, v);
  rows.forEach(([platform, url], i) => {
    fd.set(`listen.${i}.platform`, platform);
    fd.set(`listen.${i}.url`, url);
  });
  return fd;
}

describe("the podcast form's Listen on rows", () => {
  it("save the filled rows, and put an error on the row the user typed it in", async () => {
    const user = await makeUser();
    session.viewer = user.viewer;
    const podcast = await makePodcast(user.viewer, { title: "Form show" });
    const { updatePodcastAction } = await import("./actions");

    // Row 0 blank, row 1 bad: the message belongs to row 1, not to "the first link".
    const state = await updatePodcastAction(podcast.id, { message: "" }, editForm("Form show", [["Spotify", ""], ["Spotify", "ftp://files.example"]]));
    expect(state.fields).toEqual({ "listen.1.url": "Enter a full http(s) address." });
    expect((await getPodcast(user.viewer, podcast.id)).listenLinks).toEqual([]);

    await expect(
      updatePodcastAction(podcast.id, { message: "" }, editForm("Form show", [["Overcast", "https://overcast.fm/itunes1"], ["Apple Podcasts", ""]])),
    ).rejects.toMatchObject({ digest: expect.stringContaining(`/dashboard/podcasts/${podcast.id}`) });
    expect((await getPodcast(user.viewer, podcast.id)).listenLinks).toEqual([{ platform: "Overcast", url: "https://overcast.fm/itunes1" }]);
  });

  it("turn the Opus rendition off and on with its checkbox (on by default)", async () => {
    const user = await makeUser();
    session.viewer = user.viewer;
    const podcast = await makePodcast(user.viewer, { title: "Opus show" });
    expect(podcast.opusRendition).toBe(true);
    const { updatePodcastAction } = await import("./actions");
    const save = (fd: FormData) => expect(updatePodcastAction(podcast.id, { message: "" }, fd)).rejects.toMatchObject({ digest: expect.stringContaining("NEXT_REDIRECT") });
    await save(editForm("Opus show", [])); // an unchecked box is not sent
    expect((await getPodcast(user.viewer, podcast.id)).opusRendition).toBe(false);
    const on = editForm("Opus show", []);
    on.set("p.opusRendition", "on");
    await save(on);
    expect((await getPodcast(user.viewer, podcast.id)).opusRendition).toBe(true);
  });
});
