import { describe, expect, it } from "vitest";
import { createApiTokenForViewer } from "@/lib/data/tokens";
import { call } from "@/tests/api-client";
import { makeEpisode, makePodcast, makeUser } from "@/tests/factories";
import * as chaptersRoute from "./chapters/route";
import * as transcriptRoute from "./transcript/route";

const srt = "1\n00:00:01,000 --> 00:00:04,000\nWelcome.\n\n2\n00:00:05,000 --> 00:00:06,000\nBye.\n";
const vtt = "WEBVTT\n\n00:01.000 --> 00:04.000\nWelcome.\n";

async function owner() {
  const user = await makeUser();
  const { token } = await createApiTokenForViewer(user.viewer, { name: "test", expiresInDays: 1 });
  const podcast = await makePodcast(user.viewer);
  const episode = await makeEpisode(user.viewer, podcast.id);
  return { token, episode, params: { id: episode.id } };
}

/** The transcript GET answers the file, not JSON. */
async function getTranscriptFile(token: string, id: string) {
  const res = await transcriptRoute.GET(new Request("http://localhost/x", { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({ id }) });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

describe("PUT/GET/DELETE /api/v1/episodes/{id}/transcript", () => {
  it("takes the raw file by its content type and serves it back", async () => {
    const { token, params } = await owner();
    const put = await call(transcriptRoute.PUT, { method: "PUT", token, params, body: srt, headers: { "content-type": "application/x-subrip" } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ format: "srt", cueCount: 2, sizeBytes: srt.length });
    expect(await getTranscriptFile(token, params.id)).toEqual({ status: 200, type: "application/x-subrip; charset=utf-8", text: srt });

    const asVtt = await call(transcriptRoute.PUT, { method: "PUT", token, params, body: vtt, headers: { "content-type": "text/vtt; charset=utf-8" } });
    expect(asVtt.body).toMatchObject({ format: "vtt", cueCount: 1 });
    const sniffed = await call(transcriptRoute.PUT, { method: "PUT", token, params, body: srt, headers: { "content-type": "text/plain" } });
    expect(sniffed.body.format).toBe("srt");
  });

  it("takes JSON {format, text}", async () => {
    const { token, params } = await owner();
    const put = await call(transcriptRoute.PUT, { method: "PUT", token, params, json: { format: "vtt", text: vtt } });
    expect(put.status).toBe(200);
    expect(put.body.format).toBe("vtt");
    const bad = await call(transcriptRoute.PUT, { method: "PUT", token, params, json: { format: "txt", text: vtt } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.format).toBeDefined();
  });

  it("answers 422 naming the line of a bad file, 415 for another type, 413 past 1 MB", async () => {
    const { token, params } = await owner();
    const bad = await call(transcriptRoute.PUT, {
      method: "PUT",
      token,
      params,
      body: "1\n00:00:01,000 --> 00:00:04,000\nWelcome.\n\n2\n00:00:05.000 --> 00:00:06.000\nBye.\n",
      headers: { "content-type": "application/x-subrip" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: "invalid", message: "Line 6: expected a timing line like 00:00:01,000 --> 00:00:04,000", line: 6 });
    const wrongFormat = await call(transcriptRoute.PUT, { method: "PUT", token, params, json: { format: "vtt", text: srt } });
    expect(wrongFormat.body.error.message).toBe('Line 1: a WebVTT file starts with "WEBVTT"');
    const other = await call(transcriptRoute.PUT, { method: "PUT", token, params, body: srt, headers: { "content-type": "application/pdf" } });
    expect(other.status).toBe(415);
    const huge = await call(transcriptRoute.PUT, { method: "PUT", token, params, body: `${srt}\n${"x".repeat(1024 * 1024)}`, headers: { "content-type": "text/vtt" } });
    expect(huge.status).toBe(413);
    expect((await getTranscriptFile(token, params.id)).status).toBe(404);
  });

  it("removes it; DELETE twice is fine", async () => {
    const { token, params } = await owner();
    await call(transcriptRoute.PUT, { method: "PUT", token, params, json: { format: "srt", text: srt } });
    expect((await call(transcriptRoute.DELETE, { method: "DELETE", token, params })).status).toBe(204);
    expect((await call(transcriptRoute.DELETE, { method: "DELETE", token, params })).status).toBe(204);
    expect((await getTranscriptFile(token, params.id)).status).toBe(404);
  });

  it("answers 404 for another user's episode and 401 without a token", async () => {
    const a = await owner();
    const b = await owner();
    await call(transcriptRoute.PUT, { method: "PUT", token: a.token, params: a.params, json: { format: "srt", text: srt } });
    expect((await call(transcriptRoute.PUT, { method: "PUT", token: b.token, params: a.params, json: { format: "srt", text: srt } })).status).toBe(404);
    expect((await call(transcriptRoute.DELETE, { method: "DELETE", token: b.token, params: a.params })).status).toBe(404);
    expect((await getTranscriptFile(b.token, a.params.id)).status).toBe(404);
    expect((await call(transcriptRoute.PUT, { method: "PUT", params: a.params, json: { format: "srt", text: srt } })).status).toBe(401);
    expect((await getTranscriptFile(a.token, a.params.id)).text).toBe(srt);
  });
});

describe("PUT/GET /api/v1/episodes/{id}/chapters", () => {
  const doc = { version: "1.2.0", chapters: [{ startTime: 0, title: "Intro" }, { startTime: 95.5, title: "Interview", img: "https://x/y.png" }] };

  it("stores Podcasting 2.0 JSON chapters and answers them back", async () => {
    const { token, params } = await owner();
    expect((await call(chaptersRoute.GET, { token, params })).body).toEqual({ version: "1.2.0", chapters: [] });
    const put = await call(chaptersRoute.PUT, { method: "PUT", token, params, json: doc, headers: { "content-type": "application/json+chapters" } });
    expect(put.status).toBe(200);
    const expected = { version: "1.2.0", chapters: [{ startTime: 0, title: "Intro" }, { startTime: 95.5, title: "Interview" }] };
    expect(put.body).toEqual(expected);
    expect((await call(chaptersRoute.GET, { token, params })).body).toEqual(expected);
    await call(chaptersRoute.PUT, { method: "PUT", token, params, json: { version: "1.2.0", chapters: [] } });
    expect((await call(chaptersRoute.GET, { token, params })).body.chapters).toEqual([]);
  });

  it("answers 422 naming the chapter at fault", async () => {
    const { token, params } = await owner();
    const bad = await call(chaptersRoute.PUT, {
      method: "PUT",
      token,
      params,
      json: { version: "1.2.0", chapters: [{ startTime: 0, title: "A" }, { startTime: "1:00", title: "B" }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: "invalid", message: "chapters[1].startTime: expected a number of seconds.", path: "chapters[1].startTime" });
    expect(bad.body.error.fields).toEqual({ "chapters[1].startTime": bad.body.error.message });
    const noVersion = await call(chaptersRoute.PUT, { method: "PUT", token, params, json: { chapters: [] } });
    expect(noVersion.body.error.message).toMatch(/^version:/);
  });

  it("answers 404 for another user's episode", async () => {
    const a = await owner();
    const b = await owner();
    await call(chaptersRoute.PUT, { method: "PUT", token: a.token, params: a.params, json: doc });
    expect((await call(chaptersRoute.GET, { token: b.token, params: a.params })).status).toBe(404);
    expect((await call(chaptersRoute.PUT, { method: "PUT", token: b.token, params: a.params, json: { version: "1.2.0", chapters: [] } })).status).toBe(404);
    expect((await call(chaptersRoute.GET, { token: a.token, params: a.params })).body.chapters).toHaveLength(2);
  });
});
