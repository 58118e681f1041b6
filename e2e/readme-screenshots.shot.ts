import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeMusicWav, writeSpeechLikeWav } from "../lib/media/test-signals";
import { createApiUser, expect, test } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";
import { createEpisode, createShow, listen, processEpisode, publishEpisode, uploadFile, writeCoverPng } from "./show-data";

/**
 * The README's three pictures, on data made here (`npm run screenshots`; see
 * playwright.screenshots.config.ts): a show with a generated cover, mastered episodes, some
 * downloads. 1280×800 at scale 1, each PNG under 200 KB.
 */
const OUT = path.resolve(__dirname, "..", "docs", "screenshots");
const MAX_BYTES = 200_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-shots-"));

test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("README screenshots: home, episode after mastering, public episode page", async ({ browser, page, request }) => {
  const cover = path.join(dir, "cover.png");
  const interview = path.join(dir, "interview.wav");
  const second = path.join(dir, "second.wav");
  const intro = path.join(dir, "intro.wav");
  writeCoverPng(cover);
  await writeSpeechLikeWav(interview, { seconds: 30, seed: 5, leadingSilence: 1, trailingSilence: 1 });
  await writeSpeechLikeWav(second, { seconds: 20, seed: 8, leadingSilence: 1, trailingSilence: 1 });
  await writeMusicWav(intro, { seconds: 4, seed: 9 });

  const user = await createApiUser(request, { name: "Ada Lovelace", email: "ada@example.com", password: "correct horse battery" });
  const coverFile = await uploadFile(request, user, cover, "image/png");
  const introFile = await uploadFile(request, user, intro, "audio/wav");
  const show = await createShow(request, user, {
    title: "Morning Signals",
    author: "Ada Lovelace",
    description: "Short conversations about the sounds that start our day.",
    category: "Arts",
    coverFileId: coverFile.id,
    introFileId: introFile.id,
  });
  const first = await createEpisode(request, user, show.id, {
    title: "Pilot: why we listen",
    episodeNumber: 1,
    description: "<p>Why a voice in the morning feels like company, with <strong>two guests</strong> and one kettle.</p>",
  });
  const next = await createEpisode(request, user, show.id, { title: "The quiet hour", episodeNumber: 2, description: "<p>Radio before sunrise.</p>" });
  const later = await createEpisode(request, user, show.id, { title: "Field recordings", episodeNumber: 3 });
  for (const [episode, file] of [[first, interview], [next, second], [later, second]] as const) {
    const audio = await uploadFile(request, user, file, "audio/wav");
    expect((await processEpisode(request, user, episode.id, audio.id)).processing?.status).toBe("succeeded");
  }
  await publishEpisode(request, user, first.id);
  await publishEpisode(request, user, next.id);
  await publishEpisode(request, user, later.id, new Date(Date.now() + 7 * 86_400_000));
  await listen(request, show.slug, first.slug, 12);
  await listen(request, show.slug, next.slug, 5);

  fs.mkdirSync(OUT, { recursive: true });
  const shoot = async (name: string, on = page) => {
    await on.waitForLoadState("networkidle");
    const file = path.join(OUT, `${name}.png`);
    await on.screenshot({ path: file, animations: "disabled", caret: "hide" });
    expect(fs.statSync(file).size, `${name}.png`).toBeLessThan(MAX_BYTES);
  };

  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(user);
  const card = page.getByRole("article", { name: "Morning Signals" });
  await expect(card).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(card.getByTestId("downloads-30d")).toHaveText("17", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(card.getByRole("img", { name: "Cover of Morning Signals" })).toHaveJSProperty("complete", true);
  await shoot("home");

  await page.goto(`/dashboard/episodes/${first.id}`);
  await expect(page.getByTestId("waveform")).toBeVisible();
  await shoot("episode");

  // The public page as a listener sees it: not signed in.
  const listener = await browser.newContext({ baseURL: test.info().project.use.baseURL, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const publicPage = await listener.newPage();
  await publicPage.goto(`/p/${show.slug}/${first.slug}`);
  await expect(publicPage.getByRole("main").getByTestId("waveform")).toBeVisible();
  await shoot("public-episode", publicPage);
  await listener.close();
});
