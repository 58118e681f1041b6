import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { parseHex } from "@/lib/colour";
import { makeFixtureDir } from "@/tests/media-fixtures";
import { addMember, makePodcast, makeUser, uploadFromPath } from "@/tests/factories";
import { backfillAccentColor } from "./accent";
import { removeMember } from "./members";
import { isPodcastMember, updatePodcast } from "./podcasts";
import { getPublicPodcast } from "./public";

const media = makeFixtureDir();
afterAll(() => media.cleanup());

const cover = (name: string, colour: string) => media.ffmpeg(["-f", "lavfi", "-i", `color=c=${colour}:s=1400x1400`, "-frames:v", "1"], name);
/** The largest channel difference from `want` (lavfi's YUV source is a step or two off). */
const off = (hex: string | null, want: number) => {
  const c = parseHex(hex)!;
  return Math.max(Math.abs(c.r - (want >> 16)), Math.abs(c.g - ((want >> 8) & 0xff)), Math.abs(c.b - (want & 0xff)));
};
const storedAccent = async (podcastId: string) =>
  (await db.select({ a: tables.podcasts.accentColor }).from(tables.podcasts).where(eq(tables.podcasts.id, podcastId)))[0]!.a;

describe("a podcast's accent colour", () => {
  it("comes from the cover when the cover is set, follows a new cover and goes with it", async () => {
    const user = await makeUser();
    const blue = await uploadFromPath(user.viewer, cover("blue.png", "0x336699"));
    const podcast = await makePodcast(user.viewer, { coverFileId: blue.id });
    expect(off((await getPublicPodcast(podcast.slug)).accentColor, 0x336699)).toBeLessThan(6);

    const red = await uploadFromPath(user.viewer, cover("red.png", "0xcc2222"));
    await updatePodcast(user.viewer, podcast.id, { coverFileId: red.id });
    expect(off((await getPublicPodcast(podcast.slug)).accentColor, 0xcc2222)).toBeLessThan(6);

    await updatePodcast(user.viewer, podcast.id, { coverFileId: null });
    expect((await getPublicPodcast(podcast.slug)).accentColor).toBeNull();
    expect(await storedAccent(podcast.id)).toBeNull();
  });

  it("is computed once for a show whose cover predates it, unless the cover changed meanwhile", async () => {
    const user = await makeUser();
    const blue = await uploadFromPath(user.viewer, cover("old-blue.png", "0x336699"));
    const podcast = await makePodcast(user.viewer, { coverFileId: blue.id });
    await db.update(tables.podcasts).set({ accentColor: null }).where(eq(tables.podcasts.id, podcast.id));
    expect((await getPublicPodcast(podcast.slug)).accentColor).toBeNull();

    const other = await uploadFromPath(user.viewer, cover("other.png", "0x22aa44"));
    // A backfill for a cover the show no longer has computes but stores nothing.
    expect(off(await backfillAccentColor(podcast.id, other.id), 0x22aa44)).toBeLessThan(6);
    expect(await storedAccent(podcast.id)).toBeNull();

    expect(off(await backfillAccentColor(podcast.id, blue.id), 0x336699)).toBeLessThan(6);
    expect(off((await getPublicPodcast(podcast.slug)).accentColor, 0x336699)).toBeLessThan(6);
  });

  it("tells the show's members (the owner, a viewer) from anyone else, ex-members included", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const member = await makeUser();
    const podcast = await makePodcast(owner.viewer);
    const { id: memberId } = await addMember(owner.viewer, podcast.id, member, "viewer");
    expect(await isPodcastMember(owner.viewer, podcast.id)).toBe(true);
    expect(await isPodcastMember(member.viewer, podcast.id)).toBe(true);
    expect(await isPodcastMember(other.viewer, podcast.id)).toBe(false);
    await removeMember(owner.viewer, podcast.id, memberId);
    expect(await isPodcastMember(member.viewer, podcast.id)).toBe(false);
    expect(await isPodcastMember(owner.viewer, "not-a-uuid")).toBe(false);
  });
});
