import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeSpeechLikeWav } from "../lib/media/test-signals";
import { bearer, expect, test } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";
import { PublicEpisodePage, PublicPodcastPage } from "./pages/public-pages";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-e2e-public-"));
const speech = path.join(dir, "episode.wav");

test.beforeAll(async () => {
  await writeSpeechLikeWav(speech, { seconds: 15, seed: 11, leadingSilence: 0.5, trailingSilence: 0.5 });
});
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const transcript = "WEBVTT\n\n00:00.000 --> 00:03.000\n<v Ann>Welcome to the public page test.\n\n00:03.000 --> 00:06.000\nChapters seek the player.\n";

test("a published episode has a public page with player, chapters that seek and a transcript", async ({ page, user }) => {
  test.setTimeout(120_000);
  const api = page.request;
  const auth = bearer(user.token);
  const title = `Public Show ${Date.now()}`;
  const podcast = await (await api.post("/api/v1/podcasts", { headers: auth, data: { title, author: "E2E Author", description: "A show made by the tests." } })).json();
  const created = await api.post(`/api/v1/podcasts/${podcast.id}/episodes`, {
    headers: auth,
    data: { title: "Pilot", description: 'Notes with [a link](https://example.com) and **bold** words; the middle starts at 0:05.\n\n<script>document.title = "hacked"</script>' },
  });
  expect(created.status(), await created.text()).toBe(201);
  const episode = await created.json();
  const draft = await (await api.post(`/api/v1/podcasts/${podcast.id}/episodes`, { headers: auth, data: { title: "Not yet" } })).json();

  // Audio: upload a recording, process it and wait for the result.
  const upload = await api.post("/api/v1/files", {
    headers: auth,
    multipart: { file: { name: "episode.wav", mimeType: "audio/wav", buffer: fs.readFileSync(speech) } },
  });
  expect(upload.status(), await upload.text()).toBe(201);
  const file = await upload.json();
  const processing = await api.post(`/api/v1/episodes/${episode.id}/process`, { headers: auth, data: { audioFileId: file.id } });
  expect(processing.status(), await processing.text()).toBe(202);
  await expect
    .poll(async () => (await (await api.get(`/api/v1/episodes/${episode.id}`, { headers: auth })).json()).processing?.status, { timeout: 90_000, intervals: [1000] })
    .toBe("succeeded");

  const chapters = await api.put(`/api/v1/episodes/${episode.id}/chapters`, {
    headers: auth,
    data: { version: "1.2.0", chapters: [{ startTime: 0, title: "Intro" }, { startTime: 5, title: "The middle" }, { startTime: 9, title: "Goodbye" }] },
  });
  expect(chapters.status(), await chapters.text()).toBe(200);
  const badTranscript = await api.put(`/api/v1/episodes/${episode.id}/transcript`, { headers: { ...auth, "Content-Type": "text/vtt" }, data: "WEBVTT\n\nhello\n" });
  expect(badTranscript.status()).toBe(422);
  expect((await badTranscript.json()).error.message).toMatch(/^Line 3: /);
  const put = await api.put(`/api/v1/episodes/${episode.id}/transcript`, { headers: { ...auth, "Content-Type": "text/vtt" }, data: transcript });
  expect(put.status(), await put.text()).toBe(200);

  // Not published yet: not visible.
  expect((await page.goto(`/p/${podcast.slug}/${episode.slug}`))?.status()).toBe(404);
  const published = await api.post(`/api/v1/episodes/${episode.id}/publish`, { headers: auth });
  expect(published.status(), await published.text()).toBe(200);

  const show = new PublicPodcastPage(page);
  expect((await show.goto(podcast.slug))?.status()).toBe(200);
  await expect(show.heading).toHaveText(title);
  await expect(show.feedUrl).toHaveValue(new RegExp(`/p/${podcast.slug}/feed\\.xml$`));
  await expect(show.copyFeed).toBeVisible();
  await expect(show.episodes).toHaveCount(1);
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute("content", title);
  await show.episodes.getByRole("link", { name: "Pilot" }).click();

  const ep = new PublicEpisodePage(page);
  await expect(ep.heading).toHaveText("Pilot");
  await expect(page.locator('meta[property="og:audio"]')).toHaveAttribute("content", new RegExp(`/p/${podcast.slug}/${episode.slug}/audio\\.mp3$`));
  await expect(ep.waveform).toBeVisible();
  await expect(ep.audio).toHaveAttribute("src", `/p/${podcast.slug}/${episode.slug}/audio.mp3`);
  await expect(ep.showNotes.getByRole("link", { name: "a link" })).toHaveAttribute("href", "https://example.com");
  await expect(ep.showNotes.locator("strong")).toHaveText("bold");
  await expect(ep.showNotes.locator("script")).toHaveCount(0);
  await expect(page).not.toHaveTitle("hacked");

  await expect(ep.chapters).toHaveText(["0:00Intro", "0:05The middle", "0:09Goodbye"]);
  await ep.audio.evaluate((a: HTMLAudioElement) => (a.readyState >= 1 ? null : new Promise((r) => a.addEventListener("loadedmetadata", r, { once: true }))));
  await ep.chapters.filter({ hasText: "The middle" }).click();
  await expect.poll(() => ep.currentTime()).toBeGreaterThanOrEqual(5);
  expect(await ep.currentTime()).toBeLessThan(9);
  await expect(ep.chapters.filter({ hasText: "The middle" })).toHaveAttribute("aria-current", "true");

  await expect(ep.transcript).toContainText("Ann: Welcome to the public page test.");
  await ep.transcript.getByRole("button", { name: "Play from 0:03" }).click();
  await expect.poll(() => ep.currentTime()).toBeGreaterThanOrEqual(3);

  // A timestamp in the show notes seeks too, and the address says where.
  await ep.audio.evaluate((a: HTMLAudioElement) => a.pause());
  await ep.showNotes.getByRole("link", { name: "0:05" }).click();
  await expect.poll(() => ep.currentTime()).toBeGreaterThanOrEqual(5);
  expect(await ep.currentTime()).toBeLessThan(9);
  await expect(page).toHaveURL(/#t=0:05$/);
  // Opened from a shared link to a moment, the player starts there.
  await show.goto(podcast.slug);
  await page.goto(`/p/${podcast.slug}/${episode.slug}#t=0:09`);
  await expect.poll(() => ep.currentTime()).toBeGreaterThanOrEqual(9);

  // The public files behind the page.
  const chaptersJson = await api.get(`/p/${podcast.slug}/${episode.slug}/chapters.json`);
  expect(chaptersJson.headers()["content-type"]).toBe("application/json+chapters");
  expect((await chaptersJson.json()).chapters).toHaveLength(3);
  const srt = await api.get(`/p/${podcast.slug}/${episode.slug}/transcript.srt`);
  expect(await srt.text()).toContain("00:00:03,000 --> 00:00:06,000");
  expect((await api.get(`/p/${podcast.slug}/${episode.slug}/waveform.json`)).status()).toBe(200);

  // Drafts stay hidden.
  expect((await page.goto(`/p/${podcast.slug}/${draft.slug}`))?.status()).toBe(404);
});

test("the dashboard uploads a transcript file and edits chapters as lines", async ({ page, user }) => {
  const auth = bearer(user.token);
  const podcast = await (await page.request.post("/api/v1/podcasts", { headers: auth, data: { title: `Extras ${Date.now()}` } })).json();
  const episode = await (await page.request.post(`/api/v1/podcasts/${podcast.id}/episodes`, { headers: auth, data: { title: "With extras" } })).json();
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(user);
  await expect(page.getByRole("heading", { name: "Your podcasts" })).toBeVisible();
  await page.goto(`/dashboard/episodes/${episode.id}`);

  const upload = page.getByTestId("transcript-upload");
  await expect(upload).toContainText("No transcript yet.");
  const badFile = path.join(dir, "bad.srt");
  fs.writeFileSync(badFile, "1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n00:00:03 --> 00:00:04\nThere\n");
  await upload.getByLabel("Transcript file (SRT or WebVTT)").setInputFiles(badFile);
  await expect(upload.getByRole("alert")).toHaveText("bad.srt: Line 6: expected a timing line like 00:00:01,000 --> 00:00:04,000");
  const goodFile = path.join(dir, "episode.vtt");
  fs.writeFileSync(goodFile, transcript);
  await upload.getByLabel("Transcript file (SRT or WebVTT)").setInputFiles(goodFile);
  await expect(upload.getByRole("status")).toHaveText("Transcript saved: 2 cues.");
  await expect(upload).toContainText("WebVTT, 2 cues");
  await upload.getByRole("button", { name: "Remove transcript" }).click();
  await expect(upload).toContainText("No transcript yet.");

  const chapters = page.getByRole("form", { name: "Chapters" });
  await expect(chapters).toContainText("the next time you process the episode");
  await chapters.getByLabel("Chapters", { exact: true }).fill("0:00 Intro\n12:75 Oops");
  await chapters.getByRole("button", { name: "Save chapters" }).click();
  await expect(chapters.getByRole("alert")).toHaveText('Line 2: minutes and seconds go up to 59 in "12:75".');
  await chapters.getByLabel("Chapters", { exact: true }).fill("0:00 Intro\n\n12:34 Interview");
  await chapters.getByRole("button", { name: "Save chapters" }).click();
  await expect(chapters.getByRole("status")).toHaveText("2 chapters saved.");
  const saved = await (await page.request.get(`/api/v1/episodes/${episode.id}/chapters`, { headers: auth })).json();
  expect(saved).toEqual({ version: "1.2.0", chapters: [{ startTime: 0, title: "Intro" }, { startTime: 754, title: "Interview" }] });
  await page.reload();
  await expect(page.getByRole("form", { name: "Chapters" }).getByLabel("Chapters", { exact: true })).toHaveValue("0:00 Intro\n12:34 Interview");
});
