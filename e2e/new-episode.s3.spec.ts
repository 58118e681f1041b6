import fs from "node:fs";
import { makeFixtureDir } from "../tests/media-fixtures";
import { bearer, expect, test } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";
import { EpisodePage, NewEpisodePage } from "./pages/dashboard-pages";

/** With object storage, "New episode" sends the recording straight to the bucket: the app never sees its bytes. */
const fx = makeFixtureDir();
test.afterAll(() => fx.cleanup());

test("New episode uploads the recording straight to the bucket, then processes it", async ({ page, user, baseURL }) => {
  test.setTimeout(150_000);
  // 100 s of 44.1 kHz mono: about 8.8 MB, two parts.
  const wav = fx.wav("bucket_interview.wav", 100, 330);
  const podcast = await (await page.request.post("/api/v1/podcasts", { headers: bearer(user.token), data: { title: `Bucket ${Date.now().toString(36)}`, author: "E2E" } })).json();
  const parts: string[] = [];
  const appUploads: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "PUT" && new URL(r.url()).searchParams.has("partNumber")) parts.push(r.url());
    if (r.method() === "POST" && r.url().startsWith(`${baseURL}/api/v1/files`)) appUploads.push(r.url());
  });

  const signIn = new SignInPage(page);
  await signIn.goto(`/signin?callbackUrl=${encodeURIComponent(`/dashboard/podcasts/${podcast.id}/episodes/new`)}`);
  await signIn.signIn(user);
  const form = new NewEpisodePage(page);
  const chooser = page.waitForEvent("filechooser");
  await form.chooseRecording.click();
  await (await chooser).setFiles(wav);
  await expect(form.uploadBar("bucket_interview.wav")).toBeVisible();
  await expect(form.title).toHaveValue("bucket interview");
  await form.create.click();

  const episode = new EpisodePage(page);
  await expect(episode.heading("bucket interview")).toBeVisible({ timeout: 60_000 });
  await expect(episode.waveform).toBeVisible({ timeout: 120_000 });
  expect(parts.length).toBeGreaterThanOrEqual(2);
  expect(appUploads).toEqual([]);
  const files = (await (await page.request.get("/api/v1/files", { headers: bearer(user.token) })).json()).items as { originalFilename: string; sizeBytes: number }[];
  expect(files).toContainEqual(expect.objectContaining({ originalFilename: "bucket_interview.wav", sizeBytes: fs.statSync(wav).size }));
});
