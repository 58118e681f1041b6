import { beforeAll, describe, expect, it } from "vitest";
import { flushDownloads, recordDownload } from "@/lib/analytics";
import { makeEpisode, makePodcast, makeUser } from "@/tests/factories";
import { exportDownloadsCsv, getDownloadsReport } from "./analytics";

const APPLE = "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)";
const SPOTIFY = "Spotify/8.9.34.590 Android/34 (SM-S918B)";
const OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)";

let owner: Awaited<ReturnType<typeof makeUser>>;
let podcastId: string;
let ep1: { id: string; title: string };
let ep2: { id: string; title: string };

function download(episodeId: string, at: string, ip: string, ua = APPLE) {
  recordDownload({ episodeId, podcastId, ip, userAgent: ua, range: null, totalBytes: 6_000_000, durationSeconds: 600, at: new Date(at) });
}

beforeAll(async () => {
  owner = await makeUser();
  podcastId = (await makePodcast(owner.viewer)).id;
  ep1 = await makeEpisode(owner.viewer, podcastId, { title: "First, \"quoted\" episode" });
  ep2 = await makeEpisode(owner.viewer, podcastId, { title: "=HYPERLINK(\"x\")" });
  // 2025-04-01: three listeners of ep1 (one of them twice), one of ep2.
  download(ep1.id, "2025-04-01T08:00:00Z", "192.0.2.1");
  download(ep1.id, "2025-04-01T09:00:00Z", "192.0.2.1"); // same listener: not a new download
  download(ep1.id, "2025-04-01T10:00:00Z", "192.0.2.2", SPOTIFY);
  download(ep1.id, "2025-04-01T23:59:59Z", "192.0.2.3", OVERCAST);
  download(ep2.id, "2025-04-01T12:00:00Z", "192.0.2.1");
  // 2025-04-03: one more of ep2; a probe that never becomes a download; a bot.
  download(ep2.id, "2025-04-03T00:00:00Z", "192.0.2.4", SPOTIFY);
  recordDownload({ episodeId: ep2.id, podcastId, ip: "192.0.2.5", userAgent: APPLE, range: { start: 0, end: 1 }, totalBytes: 6_000_000, durationSeconds: 600, at: new Date("2025-04-03T01:00:00Z") });
  download(ep2.id, "2025-04-03T02:00:00Z", "192.0.2.6", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)");
  // Outside the range asked for below.
  download(ep1.id, "2025-04-05T08:00:00Z", "192.0.2.1");
  await flushDownloads();
});

const range = { from: "2025-03-31", to: "2025-04-03" };

describe("getDownloadsReport", () => {
  it("counts downloads per UTC day over the range, zero days included", async () => {
    const report = await getDownloadsReport(owner.viewer, podcastId, range);
    expect(report.daily).toEqual([
      { day: "2025-03-31", downloads: 0 },
      { day: "2025-04-01", downloads: 4 },
      { day: "2025-04-02", downloads: 0 },
      { day: "2025-04-03", downloads: 1 },
    ]);
    expect(report.total).toBe(5);
  });

  it("breaks downloads down by episode, app and device", async () => {
    const report = await getDownloadsReport(owner.viewer, podcastId, range);
    expect(report.episodes.map((e) => [e.episodeId, e.downloads])).toEqual([
      [ep1.id, 3],
      [ep2.id, 2],
    ]);
    expect(report.apps).toEqual([
      { name: "Apple Podcasts", downloads: 2 },
      { name: "Spotify", downloads: 2 },
      { name: "Overcast", downloads: 1 },
    ]);
    expect(report.devices).toEqual([
      { name: "iPhone", downloads: 3 },
      { name: "Android", downloads: 2 },
    ]);
  });

  it("reports one episode", async () => {
    const report = await getDownloadsReport(owner.viewer, podcastId, { ...range, episodeId: ep2.id });
    expect(report.total).toBe(2);
    expect(report.daily.map((d) => d.downloads)).toEqual([0, 1, 0, 1]);
    expect(report.episodes).toHaveLength(1);
  });

  it("shows an empty range as zeros", async () => {
    const report = await getDownloadsReport(owner.viewer, podcastId, { from: "2024-01-01", to: "2024-01-03" });
    expect(report.total).toBe(0);
    expect(report.apps).toEqual([]);
    expect(report.episodes.every((e) => e.downloads === 0)).toBe(true);
  });

  it("answers not_found for someone else's podcast or episode, and for garbage ids", async () => {
    const other = await makeUser();
    await expect(getDownloadsReport(other.viewer, podcastId, range)).rejects.toMatchObject({ code: "not_found" });
    await expect(exportDownloadsCsv(other.viewer, podcastId, range)).rejects.toMatchObject({ code: "not_found" });
    await expect(getDownloadsReport(owner.viewer, "not-an-id", range)).rejects.toMatchObject({ code: "not_found" });
    const theirs = await makePodcast(other.viewer);
    const theirEpisode = await makeEpisode(other.viewer, theirs.id);
    await expect(getDownloadsReport(owner.viewer, podcastId, { ...range, episodeId: theirEpisode.id })).rejects.toMatchObject({
      code: "not_found",
    });
  });
});

describe("exportDownloadsCsv", () => {
  it("writes one line per day, episode (oldest first), app and device, quoted and formula-safe", async () => {
    const csv = await exportDownloadsCsv(owner.viewer, podcastId, range);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("date,episode_id,episode_title,app,device,downloads");
    expect(lines.slice(1)).toEqual([
      `2025-04-01,${ep1.id},"First, ""quoted"" episode",Apple Podcasts,iPhone,1`,
      `2025-04-01,${ep1.id},"First, ""quoted"" episode",Overcast,iPhone,1`,
      `2025-04-01,${ep1.id},"First, ""quoted"" episode",Spotify,Android,1`,
      `2025-04-01,${ep2.id},"'=HYPERLINK(""x"")",Apple Podcasts,iPhone,1`,
      `2025-04-03,${ep2.id},"'=HYPERLINK(""x"")",Spotify,Android,1`,
    ]);
    expect(csv).not.toContain("192.0.2");
  });

  it("is only the header when nothing was downloaded", async () => {
    expect(await exportDownloadsCsv(owner.viewer, podcastId, { from: "2024-01-01", to: "2024-01-02" })).toBe(
      "date,episode_id,episode_title,app,device,downloads\r\n",
    );
  });
});
