import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { flushDownloads, recordDownload } from "@/lib/analytics";
import { newId } from "@/lib/ids";
import { DEFAULT_PROCESSING } from "@/lib/validation/processing";
import { makeEpisode, makePodcast, makeUser } from "@/tests/factories";
import { countEpisodeDownloads, listRecentDownloads } from "./analytics";
import { listPodcastSummaries } from "./home";

const NOW = new Date("2025-06-30T12:00:00Z");
type User = Awaited<ReturnType<typeof makeUser>>;

let owner: User;
let other: User;
let showA: { id: string };
let showB: { id: string };
let strangers: { id: string };
const eps: Record<string, { id: string; title: string }> = {};

function download(podcastId: string, episodeId: string, at: string, ip: string) {
  recordDownload({ episodeId, podcastId, ip, userAgent: "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)", range: null, totalBytes: 6_000_000, durationSeconds: 600, at: new Date(at) });
}

async function setEpisode(id: string, fields: Partial<typeof tables.episodes.$inferInsert>) {
  await db.update(tables.episodes).set(fields).where(eq(tables.episodes.id, id));
}

async function addProcessing(episodeId: string, status: "queued" | "running" | "succeeded" | "failed", createdAt: Date, extra: { progress?: number; error?: string } = {}) {
  await db.insert(tables.episodeProcessing).values({
    id: newId(),
    episodeId,
    ownerId: owner.id,
    status,
    progress: extra.progress ?? 0,
    error: extra.error ?? null,
    options: DEFAULT_PROCESSING,
    createdAt,
    updatedAt: createdAt,
  });
}

beforeAll(async () => {
  owner = await makeUser();
  other = await makeUser();
  showA = await makePodcast(owner.viewer, { title: "Show A" });
  showB = await makePodcast(owner.viewer, { title: "Show B" });
  strangers = await makePodcast(other.viewer, { title: "Someone else's" });
  for (const [key, podcastId] of [["old", showA.id], ["latest", showA.id], ["soon", showA.id], ["later", showA.id], ["mastering", showA.id], ["broken", showA.id], ["fixed", showA.id], ["b1", showB.id], ["x1", strangers.id]] as const) {
    eps[key] = await makeEpisode(key === "x1" ? other.viewer : owner.viewer, podcastId, { title: `Episode ${key}` });
  }
  await setEpisode(eps.old!.id, { status: "published", publishedAt: new Date("2025-05-01T08:00:00Z") });
  await setEpisode(eps.latest!.id, { status: "published", publishedAt: new Date("2025-06-20T08:00:00Z") });
  await setEpisode(eps.soon!.id, { status: "scheduled", publishAt: new Date("2025-07-02T08:00:00Z") });
  await setEpisode(eps.later!.id, { status: "scheduled", publishAt: new Date("2025-08-01T08:00:00Z") });
  await setEpisode(eps.b1!.id, { status: "published", publishedAt: new Date("2025-06-01T08:00:00Z") });
  await setEpisode(eps.x1!.id, { status: "published", publishedAt: new Date("2025-06-01T08:00:00Z") });

  // Processing: one running, one whose latest run failed, one whose failure a later run replaced.
  await setEpisode(eps.mastering!.id, { status: "processing" });
  await addProcessing(eps.mastering!.id, "running", new Date("2025-06-30T11:00:00Z"), { progress: 0.4 });
  await setEpisode(eps.broken!.id, { status: "failed" });
  await addProcessing(eps.broken!.id, "succeeded", new Date("2025-06-10T11:00:00Z"));
  await addProcessing(eps.broken!.id, "failed", new Date("2025-06-29T11:00:00Z"), { error: "The recording could not be decoded." });
  await addProcessing(eps.fixed!.id, "failed", new Date("2025-06-28T11:00:00Z"), { error: "old failure" });
  await addProcessing(eps.fixed!.id, "succeeded", new Date("2025-06-29T11:00:00Z"));

  // Downloads. The 30 days up to NOW are 2025-06-01 … 2025-06-30.
  download(showA.id, eps.latest!.id, "2025-06-30T09:00:00Z", "192.0.2.1");
  download(showA.id, eps.latest!.id, "2025-06-30T10:00:00Z", "192.0.2.1"); // same listener: one download
  download(showA.id, eps.latest!.id, "2025-06-30T10:00:00Z", "192.0.2.2");
  download(showA.id, eps.old!.id, "2025-06-01T00:00:00Z", "192.0.2.3"); // first day of the window
  download(showA.id, eps.old!.id, "2025-05-31T23:59:59Z", "192.0.2.4"); // the day before: not counted in 30 days
  download(showB.id, eps.b1!.id, "2025-06-15T12:00:00Z", "192.0.2.5");
  download(strangers.id, eps.x1!.id, "2025-06-15T12:00:00Z", "192.0.2.6");
  await flushDownloads();
});

describe("listPodcastSummaries", () => {
  it("counts each show's downloads of the last 30 days, day by day", async () => {
    const { items } = await listPodcastSummaries(owner.viewer, { limit: 10, now: NOW });
    const a = items.find((p) => p.id === showA.id)!;
    const b = items.find((p) => p.id === showB.id)!;
    expect(a.downloads).toMatchObject({ from: "2025-06-01", to: "2025-06-30", total: 3 });
    expect(a.downloads.daily).toHaveLength(30);
    expect(a.downloads.daily[0]).toEqual({ day: "2025-06-01", downloads: 1 });
    expect(a.downloads.daily[29]).toEqual({ day: "2025-06-30", downloads: 2 });
    expect(b.downloads.total).toBe(1);
    expect(b.downloads.daily.find((d) => d.downloads > 0)).toEqual({ day: "2025-06-15", downloads: 1 });
  });

  it("lists only the viewer's shows, newest first", async () => {
    const { items } = await listPodcastSummaries(owner.viewer, { limit: 10, now: NOW });
    expect(items.map((p) => p.title)).toEqual(["Show B", "Show A"]);
    const theirs = await listPodcastSummaries(other.viewer, { limit: 10, now: NOW });
    expect(theirs.items.map((p) => [p.title, p.downloads.total])).toEqual([["Someone else's", 1]]);
  });

  it("names the latest published and the next scheduled episode", async () => {
    const { items } = await listPodcastSummaries(owner.viewer, { limit: 10, now: NOW });
    const a = items.find((p) => p.id === showA.id)!;
    expect(a.latestEpisode).toEqual({ id: eps.latest!.id, title: "Episode latest", at: new Date("2025-06-20T08:00:00Z") });
    expect(a.nextScheduled).toEqual({ id: eps.soon!.id, title: "Episode soon", at: new Date("2025-07-02T08:00:00Z") });
    const b = items.find((p) => p.id === showB.id)!;
    expect(b.latestEpisode?.id).toBe(eps.b1!.id);
    expect(b.nextScheduled).toBeNull();
  });

  it("lists what is processing and what failed last, not failures a later run replaced", async () => {
    const { items } = await listPodcastSummaries(owner.viewer, { limit: 10, now: NOW });
    const a = items.find((p) => p.id === showA.id)!;
    expect(a.attention).toEqual([
      { id: eps.mastering!.id, title: "Episode mastering", status: "processing", progress: 0.4, error: null },
      { id: eps.broken!.id, title: "Episode broken", status: "failed", progress: 0, error: "The recording could not be decoded." },
    ]);
    expect(items.find((p) => p.id === showB.id)!.attention).toEqual([]);
  });

  it("shows a member the shared show with its downloads and their role; removal takes it away", async () => {
    const { addMember } = await import("@/tests/factories");
    const { removeMember } = await import("./members");
    const member = await makeUser();
    const { id: memberId } = await addMember(other.viewer, strangers.id, member, "viewer");
    const { items } = await listPodcastSummaries(member.viewer, { limit: 10, now: NOW });
    expect(items.map((p) => [p.title, p.role, p.downloads.total])).toEqual([["Someone else's", "viewer", 1]]);
    expect(items[0]!.latestEpisode?.title).toBe("Episode x1");
    await removeMember(other.viewer, strangers.id, memberId);
    expect((await listPodcastSummaries(member.viewer, { limit: 10, now: NOW })).items).toEqual([]);
    expect((await listRecentDownloads(member.viewer, [strangers.id], { from: "2025-06-01", to: "2025-06-30" })).size).toBe(0);
  });

  it("has nothing for a new user", async () => {
    const fresh = await makeUser();
    expect(await listPodcastSummaries(fresh.viewer, { limit: 10, now: NOW })).toEqual({ items: [], nextCursor: null });
  });
});

describe("listRecentDownloads and countEpisodeDownloads", () => {
  it("leaves out someone else's podcast", async () => {
    const got = await listRecentDownloads(owner.viewer, [showA.id, strangers.id], { from: "2025-06-01", to: "2025-06-30" });
    expect([...got.keys()]).toEqual([showA.id]);
  });

  it("counts every episode's downloads of all time", async () => {
    const counts = await countEpisodeDownloads(owner.viewer, showA.id);
    expect(Object.fromEntries(counts)).toEqual({ [eps.latest!.id]: 2, [eps.old!.id]: 2 });
    await expect(countEpisodeDownloads(owner.viewer, strangers.id)).rejects.toMatchObject({ code: "not_found" });
  });
});
