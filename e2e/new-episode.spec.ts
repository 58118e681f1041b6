import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Locator, Page } from "@playwright/test";
import { writeSpeechLikeWav } from "../lib/media/test-signals";
import { bearer, expect, test, type ApiUser } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";
import { EpisodePage, NewEpisodePage } from "./pages/dashboard-pages";

/**
 * Issue 14's bar: from a raw recording to a published episode on one page, without the media
 * library, at desktop and phone widths, and with the keyboard alone.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-e2e-new-episode-"));
const FILE_NAME = "ep_07-the-long-walk.wav";
const TITLE = "ep 07 the long walk";
const recording = path.join(dir, FILE_NAME);

test.beforeAll(async () => {
  await writeSpeechLikeWav(recording, { seconds: 30, seed: 14, leadingSilence: 0.5, trailingSilence: 0.5 });
});
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Signs in, then opens the show from the dashboard's home, as a podcaster would. */
async function openShow(page: Page, user: ApiUser) {
  const title = `Walks ${Date.now().toString(36)}`;
  const res = await page.request.post("/api/v1/podcasts", { headers: bearer(user.token), data: { title, author: "E2E" } });
  expect(res.status()).toBe(201);
  const podcast = (await res.json()) as { id: string; slug: string };
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(user);
  await expect(page).toHaveURL(/\/dashboard/);
  await page.getByRole("main").getByRole("link", { name: title }).first().click();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  return { ...podcast, title };
}

/**
 * Nothing of the page's own content reaches past the viewport's right edge, so it never scrolls
 * sideways. (The shared header is checked with every page by the layout's own tests.)
 */
async function expectNoSideways(page: Page) {
  expect(await tooWide(page), `content wider than the viewport on ${page.url()}`).toEqual([]);
}

async function tooWide(page: Page) {
  return page.getByRole("main").evaluate((main) =>
    [main, ...main.querySelectorAll<HTMLElement>("*")]
      .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} right=${Math.round(el.getBoundingClientRect().right)}`)
      .slice(0, 5),
  );
}

/** Every control in the page's main area is at least 44 px high and wide (links inside running text excepted). */
async function expectTapTargets(page: Page) {
  expect(await smallTapTargets(page), `tap targets under 44 px on ${page.url()}`).toEqual([]);
}

async function smallTapTargets(page: Page) {
  return page.getByRole("main").evaluate((main) =>
    [...main.querySelectorAll<HTMLElement>("a, button, select, textarea, summary, input:not([type=hidden]):not([type=checkbox]):not([type=file]), label:has(input[type=checkbox])")]
      .filter((el) => el.getClientRects().length > 0 && !(el.tagName === "A" && el.closest("p, dd, li > span")))
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.height < 44 || box.width < 44)
      .map(({ el, box }) => `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 40)}" ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
}

/** The feed carries the published episode with its enclosure. */
async function expectInFeed(page: Page, slug: string) {
  const feed = await page.request.get(`/p/${slug}/feed.xml`);
  expect(feed.status()).toBe(200);
  const xml = await feed.text();
  expect(xml).toContain(`<title>${TITLE}</title>`);
  expect(xml).toMatch(/<enclosure url="[^"]+\/audio\.mp3" length="\d+" type="audio\/mpeg"/);
}

/** Pages the browser navigated to, to prove the media library was never visited. */
function watchNavigations(page: Page) {
  const urls: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url());
  });
  return urls;
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test.describe(`at ${viewport.width} px`, () => {
    test.use({ viewport });

    test("a recording becomes a published episode in three clicks after New episode, without the media library", async ({ page, user }) => {
      test.setTimeout(150_000);
      const podcast = await openShow(page, user);
      const visited = watchNavigations(page);
      let clicks = 0;
      const click = async (target: Locator) => {
        clicks++;
        await target.click();
      };

      await page.getByRole("main").getByRole("link", { name: "New episode" }).first().click();
      const form = new NewEpisodePage(page);
      await expect(form.chooseRecording).toBeVisible();
      if (viewport.width < 400) {
        await expectNoSideways(page);
        await expectTapTargets(page);
      }

      // 1: the file. Its upload starts at once; the title comes from its name.
      const startedAt = Date.now();
      const chooser = page.waitForEvent("filechooser");
      await click(form.chooseRecording);
      await (await chooser).setFiles(recording);
      await expect(form.uploadBar(FILE_NAME)).toBeVisible();
      await expect(form.upload).toContainText("Uploaded", { timeout: 30_000 });
      await expect(form.uploadBar(FILE_NAME)).toHaveAttribute("value", "100");
      const uploadMs = Date.now() - startedAt;
      await expect(form.title).toHaveValue(TITLE);

      // 2: Create. The episode page shows the processing, then the player and the loudness.
      await click(form.create);
      await expect(page).toHaveURL(/\/dashboard\/episodes\/[0-9a-f-]+$/);
      const createdAt = Date.now();
      const episode = new EpisodePage(page);
      await expect(episode.heading(TITLE)).toBeVisible();
      await expect(episode.processingProgress).toBeVisible();
      await expect(episode.processingProgress.getByRole("progressbar", { name: "Processing progress" })).toBeVisible();
      await expect(episode.waveform).toBeVisible({ timeout: 120_000 });
      const processingMs = Date.now() - createdAt;
      await expect(episode.loudness).toContainText("Before");
      await expect(episode.loudness).toContainText("LUFS");
      if (viewport.width < 400) {
        await expectNoSideways(page);
        await expectTapTargets(page);
      }

      // 3: Publish.
      await click(episode.publishNow);
      await expect(episode.published).toBeVisible();
      await expectInFeed(page, podcast.slug);

      if (viewport.width < 400) {
        // Both checks notice what they look for: a small button and a block wider than the phone.
        await page.getByRole("main").evaluate((main) => {
          main.insertAdjacentHTML("beforeend", '<button style="width:30px;height:30px">x</button><div style="width:600px;height:1px"></div>');
        });
        expect(await smallTapTargets(page)).toEqual(['button "x" 30×30']);
        expect(await tooWide(page)).toEqual([expect.stringMatching(/^div\. right=6\d\d$/)]);
      }

      expect(clicks).toBe(3);
      expect(visited.filter((u) => new URL(u).pathname.startsWith("/dashboard/media"))).toEqual([]);
      const timing = `${viewport.width} px: ${clicks} clicks after "New episode"; upload ${uploadMs} ms, processing ${processingMs} ms (30 s WAV)`;
      test.info().annotations.push({ type: "timing", description: timing });
      console.log(timing);
    });
  });
}

/** Presses Tab until `target` has the focus, checking that the focus can be seen there. */
async function tabTo(page: Page, target: Locator, maxPresses = 80) {
  const handle = await target.elementHandle();
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((el) => el === document.activeElement, handle)) {
      const visible = await page.evaluate((el) => {
        const style = getComputedStyle(el!);
        return (style.outlineStyle !== "none" && style.outlineWidth !== "0px") || style.boxShadow !== "none";
      }, handle);
      expect(visible, "the focused control shows a focus ring").toBe(true);
      return;
    }
  }
  throw new Error(`Tab never reached ${target}`);
}

test("the same flow with the keyboard alone: Tab, Enter and Space", async ({ page, user }) => {
  test.setTimeout(150_000);
  const podcast = await openShow(page, user);

  await tabTo(page, page.getByRole("main").getByRole("link", { name: "New episode" }).first());
  await page.keyboard.press("Enter");
  const form = new NewEpisodePage(page);
  await expect(form.chooseRecording).toBeVisible();

  await tabTo(page, form.chooseRecording);
  const chooser = page.waitForEvent("filechooser");
  await page.keyboard.press("Space");
  await (await chooser).setFiles(recording);
  await expect(form.upload).toContainText("Uploaded", { timeout: 30_000 });
  await expect(form.title).toHaveValue(TITLE);

  // "More" opens with Enter; the episode number is typed there.
  await tabTo(page, form.more);
  await page.keyboard.press("Enter");
  await tabTo(page, form.episodeNumber);
  await page.keyboard.type("7");

  await tabTo(page, form.create);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard\/episodes\/[0-9a-f-]+$/);
  const episode = new EpisodePage(page);
  await expect(episode.waveform).toBeVisible({ timeout: 120_000 });

  await tabTo(page, episode.publishNow);
  await page.keyboard.press("Space");
  await expect(episode.published).toBeVisible();
  await expectInFeed(page, podcast.slug);
  const api = await (await page.request.get(`/api/v1/podcasts/${podcast.id}/episodes`, { headers: bearer(user.token) })).json();
  expect(api.items).toMatchObject([{ title: TITLE, episodeNumber: 7, status: "published" }]);
});

test("on the episode page: retry a stopped run, then swap the recording and master it with other options", async ({ page, user }) => {
  test.setTimeout(180_000);
  const auth = bearer(user.token);
  const second = path.join(dir, "take_2.wav");
  await writeSpeechLikeWav(second, { seconds: 12, seed: 21, leadingSilence: 0.5, trailingSilence: 0.5 });
  const podcast = await (await page.request.post("/api/v1/podcasts", { headers: auth, data: { title: `Swaps ${Date.now().toString(36)}`, author: "E2E" } })).json();
  const created = await (await page.request.post(`/api/v1/podcasts/${podcast.id}/episodes`, { headers: auth, data: { title: "Swapped" } })).json();
  const upload = await page.request.post("/api/v1/files", { headers: auth, multipart: { file: { name: FILE_NAME, mimeType: "audio/wav", buffer: fs.readFileSync(recording) } } });
  const first = await upload.json();
  // Started and stopped at once: the page offers to run it again as it was.
  expect((await page.request.post(`/api/v1/episodes/${created.id}/process`, { headers: auth, data: { audioFileId: first.id } })).status()).toBe(202);
  expect((await page.request.post(`/api/v1/episodes/${created.id}/process/cancel`, { headers: auth })).status()).toBe(200);

  const signIn = new SignInPage(page);
  await signIn.goto(`/signin?callbackUrl=${encodeURIComponent(`/dashboard/episodes/${created.id}`)}`);
  await signIn.signIn(user);
  const episode = new EpisodePage(page);
  await expect(episode.heading("Swapped")).toBeVisible();
  await page.getByRole("button", { name: "Process again as before" }).click();
  await expect(episode.waveform).toBeVisible({ timeout: 120_000 });
  const mastered = await (await page.request.get(`/api/v1/episodes/${created.id}`, { headers: auth })).json();
  expect(mastered.processing).toMatchObject({ status: "succeeded", sourceFileId: first.id });

  // Swap: a new recording uploaded right here, chosen at once; the master itself is not offered.
  await page.getByText("Change the recording or processing options", { exact: true }).click();
  const form = page.getByRole("form", { name: "Process audio" });
  const recordingSelect = form.getByLabel("Recording");
  await expect(recordingSelect.locator("option")).toHaveText([new RegExp(`^${FILE_NAME} · 0:3\\d · `)]);
  const chooser = page.waitForEvent("filechooser");
  await form.getByRole("button", { name: "Upload a new recording" }).click();
  await (await chooser).setFiles(second);
  await expect(form.getByTestId("upload-progress")).toContainText("Uploaded", { timeout: 30_000 });
  await expect(recordingSelect.locator("option:checked")).toHaveText(/^take_2\.wav · 0:1\d · just uploaded$/);
  await form.getByLabel("Loudness").selectOption("ebu-r128");
  await form.getByRole("button", { name: "Process again" }).click();
  await expect
    .poll(async () => {
      const e = await (await page.request.get(`/api/v1/episodes/${created.id}`, { headers: auth })).json();
      return e.processing.id !== mastered.processing.id && e.processing.status;
    }, { timeout: 120_000 })
    .toBe("succeeded");
  const swapped = await (await page.request.get(`/api/v1/episodes/${created.id}`, { headers: auth })).json();
  expect(swapped.processing.sourceFileId).not.toBe(first.id);
  expect(swapped.processing.options.loudness).toBe("ebu-r128");
  expect(swapped.audioFileId).not.toBe(mastered.audioFileId);
  await expect(episode.waveform).toBeVisible();
  await expect(episode.loudness).toContainText("LUFS");
});

test("a recording can be dropped on New episode; a file that is not audio is refused there", async ({ page, user }) => {
  const podcast = await (await page.request.post("/api/v1/podcasts", { headers: bearer(user.token), data: { title: `Drops ${Date.now().toString(36)}`, author: "E2E" } })).json();
  const signIn = new SignInPage(page);
  await signIn.goto(`/signin?callbackUrl=${encodeURIComponent(`/dashboard/podcasts/${podcast.id}/episodes/new`)}`);
  await signIn.signIn(user);
  const form = new NewEpisodePage(page);
  await expect(form.chooseRecording).toBeVisible();

  const notAudio = path.join(dir, "my_notes.mp3");
  fs.writeFileSync(notAudio, "these are my show notes, not audio\n".repeat(50));
  const chooser = page.waitForEvent("filechooser");
  await form.chooseRecording.click();
  await (await chooser).setFiles(notAudio);
  await expect(form.upload.getByRole("alert")).toContainText("WAV, MP3");
  await form.create.click();
  await expect(page.getByRole("alert").filter({ hasText: "The recording was not uploaded" })).toBeVisible();
  await expect(page).toHaveURL(/\/episodes\/new$/);

  // Dropping a file replaces the refused one and proposes its title (the one typed is kept).
  await form.title.fill("");
  const bytes = fs.readFileSync(recording).toString("base64");
  const dataTransfer = await page.evaluateHandle((b64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], "dropped_take-3.wav", { type: "audio/wav" }));
    return dt;
  }, bytes);
  await page.getByTestId("recording-dropzone").dispatchEvent("drop", { dataTransfer });
  await expect(form.upload).toContainText("Uploaded", { timeout: 30_000 });
  await expect(form.title).toHaveValue("dropped take 3");
  await form.create.click();
  await expect(new EpisodePage(page).heading("dropped take 3")).toBeVisible();
});

test("a recording can be dropped on the media library too", async ({ page, user }) => {
  const signIn = new SignInPage(page);
  await signIn.goto(`/signin?callbackUrl=${encodeURIComponent("/dashboard/media")}`);
  await signIn.signIn(user);
  const bytes = fs.readFileSync(recording).toString("base64");
  const dataTransfer = await page.evaluateHandle((b64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], "library_drop.wav", { type: "audio/wav" }));
    return dt;
  }, bytes);
  await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer });
  await expect(page.getByText("Uploaded")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("library_drop.wav").first()).toBeVisible();
});
