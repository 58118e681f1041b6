import { describe, expect, it, vi } from "vitest";
import { getEpisode } from "@/lib/data/episodes";
import { getPodcast } from "@/lib/data/podcasts";
import { makeEpisode, makePodcast, makeUser } from "@/tests/factories";

const session = vi.hoisted(() => ({ viewer: null as { userId: string } | null }));
vi.mock("@/lib/auth/session", () => ({ requireViewer: async () => session.viewer }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw Object.assign(new Error("NEXT_REDIRECT"), { digest: `NEXT_REDIRECT;replace;${to};307;` });
  },
}));

function form(fields: Record<string, string>) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  return fd;
}
const podcastBase = { title: "Show", description: "", author: "", ownerName: "", ownerEmail: "", language: "en", type: "episodic" };

describe("Podcasting 2.0 fields in the dashboard forms", () => {
  it("say which item is wrong, refuse malformed JSON in plain words, and save valid values", async () => {
    const user = await makeUser();
    session.viewer = user.viewer;
    const podcast = await makePodcast(user.viewer, { title: "Show" });
    const { updatePodcastAction } = await import("./podcasts/actions");

    const malformed = await updatePodcastAction(podcast.id, {}, form({ ...podcastBase, "json.persons": "[{ name: Ann }]" }));
    expect(malformed.fields?.["json.persons"]).toMatch(/^This is not valid JSON/);
    expect(malformed.values?.["json.persons"]).toBe("[{ name: Ann }]"); // kept for correcting

    const badRole = await updatePodcastAction(podcast.id, {}, form({ ...podcastBase, "json.persons": '[{"name":"Ann"},{"name":"Bo","role":"Wizard"}]' }));
    expect(badRole.fields?.["json.persons"]).toMatch(/^Item 2, role: "Wizard" is not a role of the Cast group/);

    await expect(
      updatePodcastAction(podcast.id, {}, form({ ...podcastBase, "json.persons": '[{"name":"Ann","role":"co-host"}]', "json.location": '{"name":"Berlin"}', "json.funding": "" })),
    ).rejects.toMatchObject({ digest: expect.stringContaining("NEXT_REDIRECT") });
    const saved = await getPodcast(user.viewer, podcast.id);
    expect(saved.persons).toEqual([{ name: "Ann", role: "Co-Host", group: "Cast" }]);
    expect(saved.location).toEqual({ name: "Berlin" });

    const episode = await makeEpisode(user.viewer, podcast.id);
    const { updateEpisodeAction } = await import("./episodes/actions");
    const episodeBase = { title: episode.title, description: "", episodeType: "full" };
    const bad = await updateEpisodeAction(episode.id, {}, form({ ...episodeBase, "json.soundbites": '[{"startTime":5,"duration":0}]' }));
    expect(bad.fields?.["json.soundbites"]).toBe("Item 1, duration: At least 1 second.");
    const ok = await updateEpisodeAction(episode.id, {}, form({ ...episodeBase, "json.soundbites": '[{"startTime":5,"duration":20}]', "json.persons": '[{"name":"Gus","role":"guest"}]' }));
    expect(ok).toMatchObject({ ok: true });
    expect(await getEpisode(user.viewer, episode.id)).toMatchObject({ soundbites: [{ startTime: 5, duration: 20 }], persons: [{ name: "Gus", role: "Guest", group: "Cast" }] });
  });
});
