import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Locator } from "@playwright/test";
import { LENGTH_HEADER } from "../lib/http/content-length";
import { writeMusicWav, writeSpeakerTurnsWav, writeSpeechLikeWav } from "../lib/media/test-signals";
import { bearer, expect, test } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-e2e-media-"));
const speech = path.join(dir, "interview.wav");
const intro = path.join(dir, "intro-music.wav");
const conversation = path.join(dir, "three-speakers.wav");

test.beforeAll(async () => {
  await writeSpeechLikeWav(speech, { seconds: 15, seed: 5, leadingSilence: 1, trailingSilence: 1 });
  await writeMusicWav(intro, { seconds: 3, seed: 9 });
  await writeSpeakerTurnsWav(conversation, { seconds: 40, seed: 3, longPauseSeconds: 4 });
});
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Picks the recording whose label (name · duration · upload date) starts with `prefix`. */
async function pickRecording(form: Locator, prefix: string) {
  const select = form.getByLabel("Recording");
  const value = await select.locator("option", { hasText: prefix }).getAttribute("value");
  await select.selectOption(value!);
}

test("uploads a recording and intro with progress, processes the episode and plays the result", async ({ page, user }) => {
  // Processes twice, then a third time without the Opus rendition.
  test.setTimeout(120_000);
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(user);
  await expect(page.getByRole("heading", { name: "Your podcasts" })).toBeVisible();

  await page.goto("/dashboard/media");
  await expect(page.getByText("No files yet.")).toBeVisible();
  await page.getByLabel("Choose files").setInputFiles([speech, intro]);
  const uploads = page.getByRole("list", { name: "Uploads" });
  await expect(uploads.getByText("Uploaded")).toHaveCount(2, { timeout: 30_000 });
  const files = page.getByRole("list", { name: "Media files" }).getByRole("listitem");
  await expect(files).toHaveCount(2);
  await expect(files.filter({ hasText: "0:15" })).toHaveCount(1);

  // A file that is not audio is refused with the formats we take.
  const bogus = path.join(dir, "notes.mp3");
  fs.writeFileSync(bogus, "these are my show notes, not audio\n".repeat(50));
  await page.getByLabel("Choose files").setInputFiles(bogus);
  await expect(uploads.getByRole("alert")).toContainText("WAV, MP3");

  const podcast = await (await page.request.post("/api/v1/podcasts", { headers: bearer(user.token), data: { title: `Processed ${Date.now()}`, author: "E2E" } })).json();
  const episode = await (await page.request.post(`/api/v1/podcasts/${podcast.id}/episodes`, { headers: bearer(user.token), data: { title: "Mastered" } })).json();

  await page.goto(`/dashboard/episodes/${episode.id}`);
  const form = page.getByRole("form", { name: "Process audio" });
  await pickRecording(form, "interview.wav · 0:15 · ");
  await form.getByLabel("Intro").selectOption({ label: "intro-music.wav (0:03)" });
  await form.getByRole("button", { name: "Process", exact: true }).click();

  // Progress shows while it runs (it can be quick), then the player with its waveform.
  await expect(page.getByTestId("processing-progress").or(page.getByTestId("waveform"))).toBeVisible();
  await expect(page.getByTestId("waveform")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("link", { name: "Download MP3" })).toBeVisible();
  await expect(page.getByTestId("loudness-stats")).toContainText("LUFS");

  const api = await (await page.request.get(`/api/v1/episodes/${episode.id}`, { headers: bearer(user.token) })).json();
  expect(api.status).toBe("ready");
  expect(api.processing).toMatchObject({ status: "succeeded", progress: 1 });
  const ranged = await page.request.get(`/api/v1/episodes/${episode.id}/audio`, { headers: { ...bearer(user.token), Range: "bytes=0-9" } });
  expect(ranged.status()).toBe(206);
  expect(ranged.headers()["content-range"]).toBe(`bytes 0-9/${api.sizeBytes}`);
  expect(ranged.headers()["content-length"]).toBe("10");
  expect((await ranged.body()).subarray(0, 3).toString("latin1")).toBe("ID3");

  // "Process again" with the same recording and settings succeeds, with the same master.
  await page.getByText("Change the recording or processing options", { exact: true }).click();
  await pickRecording(form, "interview.wav · 0:15 · ");
  await form.getByLabel("Intro").selectOption({ label: "intro-music.wav (0:03)" });
  await form.getByRole("button", { name: "Process again" }).click();
  const again = async () => (await (await page.request.get(`/api/v1/episodes/${episode.id}`, { headers: bearer(user.token) })).json()) as typeof api;
  await expect
    .poll(async () => {
      const e = await again();
      return e.processing.id !== api.processing.id && !["queued", "running"].includes(e.processing.status) && e.processing.status;
    }, { timeout: 60_000 })
    .toBe("succeeded");
  expect(await again()).toMatchObject({ status: "ready", audioFileId: api.audioFileId, sizeBytes: api.sizeBytes });
  await page.reload();
  await expect(page.getByText("Processing failed")).toHaveCount(0);
  await expect(page.getByTestId("waveform")).toBeVisible();

  // Publish from the dashboard: the episode enters the feed with its enclosure.
  await page.getByRole("button", { name: "Publish now" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Published." })).toBeVisible();
  const feed = await page.request.get(`/p/${podcast.slug}/feed.xml`);
  expect(feed.status()).toBe(200);
  const xml = await feed.text();
  expect(xml).toContain(`<guid isPermaLink="false">${episode.guid}</guid>`);
  expect(xml).toContain(`/p/${podcast.slug}/${episode.slug}/audio.mp3" length="${api.sizeBytes}" type="audio/mpeg"`);
  const enclosure = await page.request.get(`/p/${podcast.slug}/${episode.slug}/audio.mp3`, { headers: { Range: "bytes=-100" } });
  expect(enclosure.status()).toBe(206);
  expect((await enclosure.body()).length).toBe(100);
  // Through the real server the length is announced, not left to chunked encoding (Next drops
  // it from route handlers; lib/http/content-length.ts puts it back), and HEAD tells the size.
  expect(enclosure.headers()["content-length"]).toBe("100");
  expect(enclosure.headers()["transfer-encoding"]).toBeUndefined();
  expect(enclosure.headers()[LENGTH_HEADER]).toBeUndefined();
  const head = await page.request.head(`/p/${podcast.slug}/${episode.slug}/audio.mp3`);
  expect(head.status()).toBe(200);
  expect(head.headers()["content-length"]).toBe(String(api.sizeBytes));
  const whole = await page.request.get(`/p/${podcast.slug}/${episode.slug}/audio.mp3`);
  expect(whole.headers()["content-length"]).toBe(String(api.sizeBytes));
  expect((await whole.body()).length).toBe(api.sizeBytes);

  // The Opus rendition (on by default) is listed beside the MP3 and served as Ogg.
  const opusUrl = `/p/${podcast.slug}/${episode.slug}/audio.opus`;
  expect(xml).toMatch(new RegExp(`<podcast:alternateEnclosure type="audio/opus" length="\\d+" bitrate="\\d+" title="Opus"`));
  const opus = await page.request.get(opusUrl, { headers: { Range: "bytes=0-3" } });
  expect(opus.status()).toBe(206);
  expect((await opus.body()).toString("latin1")).toBe("OggS");

  // Turned off in the show's settings, the next processing makes none and the feed stops listing it.
  await page.goto(`/dashboard/podcasts/${podcast.id}/edit`);
  await page.getByLabel("Also make an Opus version").uncheck();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { level: 1, name: podcast.title })).toBeVisible();
  await page.goto(`/dashboard/podcasts/${podcast.id}/edit`);
  await expect(page.getByLabel("Also make an Opus version")).not.toBeChecked();
  const before = (await again()).processing.id;
  expect((await page.request.post(`/api/v1/episodes/${episode.id}/process`, { headers: bearer(user.token), data: { audioFileId: api.processing.sourceFileId } })).status()).toBe(202);
  await expect
    .poll(async () => {
      const e = await again();
      return e.processing.id !== before && !["queued", "running"].includes(e.processing.status) && e.processing.status;
    }, { timeout: 60_000 })
    .toBe("succeeded");
  expect(await (await page.request.get(`/p/${podcast.slug}/feed.xml`)).text()).not.toContain("alternateEnclosure");
  expect((await page.request.get(opusUrl)).status()).toBe(404);
});

test("levels a quiet and a loud speaker and shows loudness over time before and after", async ({ page, user }) => {
  test.setTimeout(150_000);
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(user);
  await expect(page.getByRole("heading", { name: "Your podcasts" })).toBeVisible();
  await page.goto("/dashboard/media");
  await page.getByLabel("Choose files").setInputFiles(conversation);
  await expect(page.getByRole("list", { name: "Uploads" }).getByText("Uploaded")).toHaveCount(1, { timeout: 30_000 });

  const podcast = await (await page.request.post("/api/v1/podcasts", { headers: bearer(user.token), data: { title: `Levelled ${Date.now()}`, author: "E2E" } })).json();
  const episode = await (await page.request.post(`/api/v1/podcasts/${podcast.id}/episodes`, { headers: bearer(user.token), data: { title: "Two guests" } })).json();
  await page.goto(`/dashboard/episodes/${episode.id}`);
  const form = page.getByRole("form", { name: "Process audio" });
  await pickRecording(form, "three-speakers.wav · 0:40 · ");
  // On by default, from the podcast's processing defaults.
  await expect(form.getByLabel("Level speakers")).toBeChecked();
  await form.getByRole("button", { name: "Process", exact: true }).click();

  await expect(page.getByTestId("waveform")).toBeVisible({ timeout: 90_000 });
  const chart = page.getByTestId("loudness-chart");
  await expect(chart).toBeVisible();
  await expect(chart.getByRole("img")).toHaveAttribute("aria-label", /speakers spread \d+\.\d LU before, [0-3]\.\d LU after/);
  await expect(chart).toContainText("Pauses");
  await expect(page.getByTestId("loudness-stats")).toContainText("Speaker spread");
  await expect(page.getByTestId("leveler-stats")).toContainText("Encoded once");

  const api = await (await page.request.get(`/api/v1/episodes/${episode.id}`, { headers: bearer(user.token) })).json();
  expect(api.processing.options.leveler).toBe(true);
  expect(api.processing.stats.leveler).toMatchObject({ applied: true });
  expect(api.processing.stats.leveler.speechSpreadLu.before).toBeGreaterThan(10);
  expect(api.processing.stats.encodes).toBe(1);
});
