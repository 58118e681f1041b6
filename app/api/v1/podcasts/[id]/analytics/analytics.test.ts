import { describe, expect, it } from "vitest";
import { flushDownloads, recordDownload } from "@/lib/analytics";
import { createApiTokenForViewer } from "@/lib/data/tokens";
import { call } from "@/tests/api-client";
import { makeEpisode, makePodcast, makeUser } from "@/tests/factories";
import * as csvRoute from "./downloads.csv/route";
import * as reportRoute from "./route";

async function setup() {
  const user = await makeUser();
  const { token } = await createApiTokenForViewer(user.viewer, { name: "test", expiresInDays: 1 });
  const podcast = await makePodcast(user.viewer);
  const episode = await makeEpisode(user.viewer, podcast.id);
  recordDownload({
    episodeId: episode.id,
    podcastId: podcast.id,
    ip: "192.0.2.10",
    userAgent: "Spotify/8.9.34 iOS/17.4.1 (iPhone15,2)",
    range: null,
    totalBytes: 1_000_000,
    durationSeconds: 120,
    at: new Date("2025-05-02T10:00:00Z"),
  });
  await flushDownloads();
  return { user, token, podcast, episode };
}

describe("GET /api/v1/podcasts/{id}/analytics", () => {
  it("answers the report for the range asked", async () => {
    const { token, podcast, episode } = await setup();
    const res = await call(reportRoute.GET, {
      token,
      params: { id: podcast.id },
      path: `/api/v1/podcasts/${podcast.id}/analytics?from=2025-05-01&to=2025-05-03`,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      total: 1,
      daily: [
        { day: "2025-05-01", downloads: 0 },
        { day: "2025-05-02", downloads: 1 },
        { day: "2025-05-03", downloads: 0 },
      ],
      episodes: [{ episodeId: episode.id, downloads: 1 }],
      apps: [{ name: "Spotify", downloads: 1 }],
      devices: [{ name: "iPhone", downloads: 1 }],
    });
  });

  it("refuses a bad range (422), a bad token (401) and someone else's podcast (404)", async () => {
    const { token, podcast } = await setup();
    const other = await setup();
    const bad = await call(reportRoute.GET, { token, params: { id: podcast.id }, path: `/x?from=2025-05-03&to=2025-05-01` });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.from).toBeTruthy();
    const wrongToken = await call(reportRoute.GET, { token: `${token}x`, params: { id: podcast.id } });
    expect(wrongToken.status).toBe(401);
    const theirs = await call(reportRoute.GET, { token, params: { id: other.podcast.id } });
    expect(theirs.status).toBe(404);
  });
});

describe("GET /api/v1/podcasts/{id}/analytics/downloads.csv", () => {
  it("answers a CSV attachment", async () => {
    const { token, podcast, episode } = await setup();
    const req = new Request(`http://localhost/api/v1/podcasts/${podcast.id}/analytics/downloads.csv?from=2025-05-01&to=2025-05-03`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const res = await csvRoute.GET(req, { params: Promise.resolve({ id: podcast.id }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="downloads-2025-05-01-to-2025-05-03.csv"');
    expect(await res.text()).toBe(
      `date,episode_id,episode_title,app,device,downloads\r\n2025-05-02,${episode.id},${episode.title},Spotify,iPhone,1\r\n`,
    );
  });
});
