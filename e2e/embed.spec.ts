import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { writeSpeechLikeWav } from "../lib/media/test-signals";
import { bearer, expect, test } from "./fixtures";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-e2e-embed-"));
const speech = path.join(dir, "episode.wav");
// Another site, on another origin (another port of loopback), that frames the player.
let host: http.Server;
let hostOrigin = "";
let embedSrc = "";

test.beforeAll(async () => {
  await writeSpeechLikeWav(speech, { seconds: 12, seed: 5, leadingSilence: 0.2, trailingSilence: 0.2 });
  host = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><title>A blog</title><h1>My blog post</h1><iframe src="${embedSrc}" width="600" height="200" title="Player"></iframe>`);
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise((resolve) => host.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the embed player, framed by another site, plays the episode; other pages refuse frames", async ({ page, user, baseURL }) => {
  test.setTimeout(120_000);
  const api = page.request;
  const auth = bearer(user.token);
  const podcast = await (await api.post("/api/v1/podcasts", { headers: auth, data: { title: `Embedded Show ${Date.now()}`, author: "E2E" } })).json();
  const episode = await (await api.post(`/api/v1/podcasts/${podcast.id}/episodes`, { headers: auth, data: { title: "Framed" } })).json();
  const file = await (
    await api.post("/api/v1/files", { headers: auth, multipart: { file: { name: "episode.wav", mimeType: "audio/wav", buffer: fs.readFileSync(speech) } } })
  ).json();
  expect((await api.post(`/api/v1/episodes/${episode.id}/process`, { headers: auth, data: { audioFileId: file.id } })).status()).toBe(202);
  await expect
    .poll(async () => (await (await api.get(`/api/v1/episodes/${episode.id}`, { headers: auth })).json()).processing?.status, { timeout: 90_000, intervals: [1000] })
    .toBe("succeeded");
  await api.put(`/api/v1/episodes/${episode.id}/chapters`, { headers: auth, data: { version: "1.2.0", chapters: [{ startTime: 0, title: "Hello" }, { startTime: 6, title: "Later" }] } });
  expect((await api.post(`/api/v1/episodes/${episode.id}/publish`, { headers: auth })).status()).toBe(200);

  const episodeUrl = `${baseURL}/p/${podcast.slug}/${episode.slug}`;
  embedSrc = `${episodeUrl}/embed?theme=dark`;

  // Headers: the embed may be framed by anyone, the episode page by no one.
  const embedRes = await api.get(embedSrc);
  expect(embedRes.status()).toBe(200);
  expect(embedRes.headers()["x-frame-options"]).toBeUndefined();
  expect(embedRes.headers()["content-security-policy"]).toContain("frame-ancestors *");
  const pageRes = await api.get(episodeUrl);
  expect(pageRes.headers()["x-frame-options"]).toBe("DENY");
  expect(pageRes.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");

  // oEmbed discovery on the public page leads to the same iframe.
  await page.goto(episodeUrl);
  const discovery = await page.locator('link[rel="alternate"][type="application/json+oembed"]').getAttribute("href");
  expect(discovery).toBeTruthy();
  const oembed = await (await api.get(discovery!)).json();
  expect(oembed).toMatchObject({ version: "1.0", type: "rich" });
  expect(oembed.html).toContain(`src="${episodeUrl}/embed"`);
  await expect(page.getByRole("button", { name: "Embed" })).toBeVisible();

  await page.goto(hostOrigin);
  const frame = page.frameLocator("iframe");
  await expect(frame.getByRole("link", { name: "Framed" })).toHaveAttribute("href", episodeUrl);
  await expect(frame.getByTestId("waveform")).toBeVisible();
  await expect(frame.locator("[data-theme=dark]")).toBeVisible();
  await expect(frame.getByRole("list", { name: "Chapters" }).getByRole("button")).toHaveCount(2);
  await frame.getByRole("button", { name: "Play" }).click();
  await expect(frame.getByRole("button", { name: "Pause" })).toBeVisible();
  const audio = frame.locator("audio");
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.5);
  await expect(frame.getByTestId("time")).not.toHaveText("0:00");
  // A chapter seeks the framed player.
  await frame.getByRole("button", { name: /Later/ }).click();
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeGreaterThanOrEqual(6);

  // The public page itself cannot be framed by that site.
  embedSrc = episodeUrl;
  await page.goto(hostOrigin);
  await expect(page.frameLocator("iframe").getByRole("heading", { name: "Framed" })).toHaveCount(0);
});
