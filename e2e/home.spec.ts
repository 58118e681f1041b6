import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeSpeechLikeWav } from "../lib/media/test-signals";
import { expect, test } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";
import { createEpisode, createShow, listen, processEpisode, publishEpisode, uploadFile, writeCoverPng, writeSilentWav } from "./show-data";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-e2e-home-"));
const cover = path.join(dir, "cover.png");
const recording = path.join(dir, "recording.wav");
const silence = path.join(dir, "silence.wav");

test.beforeAll(async () => {
  writeCoverPng(cover);
  writeSilentWav(silence);
  await writeSpeechLikeWav(recording, { seconds: 8, seed: 11, leadingSilence: 0.5, trailingSilence: 0.5 });
});
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `document` wider than `main`'s box means something on the page scrolls sideways. */
const mainOverflow = (page: import("@playwright/test").Page) =>
  page.evaluate(() => {
    const main = document.querySelector("main")!;
    return main.scrollWidth - main.clientWidth;
  });

test("a new podcaster's home says how to start", async ({ page, user }) => {
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(user);
  await expect(page.getByRole("heading", { name: "No podcasts yet" })).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: "Create a podcast" })).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: "Import from another host" })).toHaveAttribute("href", "/dashboard/imports/new");
});

test("the home shows each show's cover, downloads, latest episode and a failed processing; the show page copies its feed URL", async ({ page, context, user, request }) => {
  test.setTimeout(120_000);
  const coverFile = await uploadFile(request, user, cover, "image/png");
  const show = await createShow(request, user, { title: "Morning Signals", coverFileId: coverFile.id });
  const audio = await uploadFile(request, user, recording, "audio/wav");
  const pilot = await createEpisode(request, user, show.id, { title: "Pilot: why we listen", episodeNumber: 1 });
  expect((await processEpisode(request, user, pilot.id, audio.id)).processing?.status).toBe("succeeded");
  await publishEpisode(request, user, pilot.id);
  const next = await createEpisode(request, user, show.id, { title: "Coming soon", episodeNumber: 2 });
  expect((await processEpisode(request, user, next.id, audio.id)).processing?.status).toBe("succeeded");
  await publishEpisode(request, user, next.id, new Date(Date.now() + 7 * 86_400_000));
  const broken = await createEpisode(request, user, show.id, { title: "The silent one" });
  const mute = await uploadFile(request, user, silence, "audio/wav");
  expect((await processEpisode(request, user, broken.id, mute.id)).processing?.status).toBe("failed");
  await listen(request, show.slug, pilot.slug, 3);

  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(user);
  const card = page.getByRole("article", { name: "Morning Signals" });
  await expect(card).toBeVisible();
  const img = card.getByRole("img", { name: "Cover of Morning Signals" });
  await expect(img).toBeVisible();
  // Visible is not loaded: wait for the bytes (the cover is another request after the page).
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1400);
  // Downloads are counted in the background (about a second after the requests).
  await expect(async () => {
    await page.reload();
    await expect(card.getByTestId("downloads-30d")).toHaveText("3", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(card.getByRole("img", { name: /^Downloads per day .*busiest day \d{4}-\d\d-\d\d with 3$/ })).toBeVisible();
  await expect(card.getByRole("link", { name: "Pilot: why we listen" })).toHaveAttribute("href", `/dashboard/episodes/${pilot.id}`);
  await expect(card.getByRole("link", { name: "Coming soon" })).toHaveAttribute("href", `/dashboard/episodes/${next.id}`);
  const failed = card.getByRole("link", { name: "Processing failed: The silent one" });
  await expect(failed).toBeVisible();
  await expect(card).toContainText("no measurable speech or music");
  await failed.click();
  await expect(page).toHaveURL(`/dashboard/episodes/${broken.id}`);
  await page.goBack();
  await expect(card.getByRole("link", { name: "New episode of Morning Signals" })).toHaveAttribute("href", `/dashboard/podcasts/${show.id}/episodes/new`);

  // The show page: feed URL with a copy button, the public page, the directories; episodes with their numbers.
  await card.getByRole("link", { name: "Morning Signals", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Morning Signals", level: 1 })).toBeVisible();
  const feedUrl = await page.getByRole("textbox", { name: "RSS feed URL", exact: true }).inputValue();
  expect(feedUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/p/${show.slug}/feed\\.xml$`));
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy RSS feed URL" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(feedUrl);
  expect((await request.get(feedUrl)).status()).toBe(200);
  await expect(page.getByRole("link", { name: new RegExp(`/p/${show.slug}$`) })).toHaveAttribute("href", feedUrl.replace("/feed.xml", ""));
  const directories = page.getByRole("list", { name: "Submit your feed" });
  await expect(directories.getByRole("link", { name: /Apple Podcasts Connect/ })).toHaveAttribute("href", "https://podcastsconnect.apple.com/");
  await expect(directories.getByRole("link", { name: /Spotify for Creators/ })).toHaveAttribute("href", "https://creators.spotify.com/");
  await expect(directories.getByRole("link", { name: /Podcast Index/ })).toHaveAttribute("href", "https://podcastindex.org/add");

  const rows = page.getByRole("list", { name: "Episodes" }).getByRole("listitem");
  await expect(rows).toHaveCount(3);
  const pilotRow = rows.filter({ hasText: "Pilot: why we listen" });
  await expect(pilotRow).toContainText("E1");
  await expect(pilotRow).toContainText(/0:0\d/);
  await expect(pilotRow).toContainText("published");
  await expect(pilotRow.getByTestId("episode-downloads")).toHaveText("3 downloads");
  await expect(rows.filter({ hasText: "Coming soon" })).toContainText(/scheduled.*Scheduled \d+ \w+ \d{4}/i);
  await expect(rows.filter({ hasText: "The silent one" })).toContainText("failed");

  // At 390 px both pages are one column: nothing in them scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await mainOverflow(page)).toBeLessThanOrEqual(0);
  await page.goto("/dashboard");
  await expect(card).toBeVisible();
  expect(await mainOverflow(page)).toBeLessThanOrEqual(0);
  const box = (await card.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);
});
