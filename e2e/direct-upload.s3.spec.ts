import crypto from "node:crypto";
import fs from "node:fs";
import type { Page, Request } from "@playwright/test";
import { makeFixtureDir } from "../tests/media-fixtures";
import { bearer, expect, test } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";

/**
 * Direct uploads (project `s3`: the server keeps media in an S3-protocol server on loopback).
 * The browser sends the file's parts straight to the bucket: the app never sees the bytes.
 */
const fx = makeFixtureDir();
test.afterAll(() => fx.cleanup());

const isPart = (url: URL | string) => new URL(url.toString()).searchParams.has("partNumber");
const partOf = (url: string) => Number(new URL(url).searchParams.get("partNumber"));

/** Every part PUT the page sends, and the most that were in flight at once. */
function watchParts(page: Page) {
  const sent: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const done = (r: Request) => {
    if (r.method() === "PUT" && isPart(r.url())) inFlight--;
  };
  page.on("request", (r) => {
    if (r.method() !== "PUT" || !isPart(r.url())) return;
    sent.push(partOf(r.url()));
    maxInFlight = Math.max(maxInFlight, ++inFlight);
  });
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  return { sent, maxInFlight: () => maxInFlight };
}

/** Bytes the app itself received as uploads (it must be none). */
function watchAppUploads(page: Page, base: string) {
  const posts: string[] = [];
  page.on("request", (r) => {
    if (r.url().startsWith(`${base}/api/v1/files`) && r.method() === "POST") posts.push(r.url());
  });
  return posts;
}

async function signIn(page: Page, user: { email: string; password: string }) {
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn(user);
  await expect(page.getByRole("heading", { name: "Your podcasts" })).toBeVisible();
}

const sha256 = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

test("sends a large recording to the bucket in parallel parts, retrying a part that failed", async ({ page, user, baseURL }) => {
  // 200 s of 44.1 kHz mono: about 17.6 MB, three 8 MiB parts.
  const wav = fx.wav("long-interview.wav", 200, 440);
  await signIn(page, user);
  await page.goto("/dashboard/media");
  const parts = watchParts(page);
  const appUploads = watchAppUploads(page, baseURL!);
  // The first try of part 2 dies on the network; the uploader must send it again.
  let failedOnce = false;
  await page.route(isPart, async (route) => {
    if (route.request().method() === "PUT" && partOf(route.request().url()) === 2 && !failedOnce) {
      failedOnce = true;
      return route.abort("connectionreset");
    }
    return route.continue();
  });

  await page.getByLabel("Choose files").setInputFiles(wav);
  const uploads = page.getByRole("list", { name: "Uploads" });
  await expect(uploads.getByRole("progressbar", { name: "Upload of long-interview.wav" })).toBeVisible();
  await expect(uploads.getByText("Uploaded")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("list", { name: "Media files" }).getByRole("listitem").filter({ hasText: "3:20" })).toHaveCount(1);

  expect(failedOnce).toBe(true);
  expect([...parts.sent].sort()).toEqual([1, 2, 2, 3]);
  expect(parts.maxInFlight()).toBeGreaterThanOrEqual(2);
  expect(appUploads).toEqual([]);
  const files = await (await page.request.get("/api/v1/files", { headers: bearer(user.token) })).json();
  expect(files.items).toHaveLength(1);
  expect(files.items[0]).toMatchObject({ kind: "audio", originalFilename: "long-interview.wav", sizeBytes: fs.statSync(wav).size, sha256: sha256(wav) });
  // Playing it back from the library redirects to the bucket, which the page may load from.
  const content = await page.request.get(`/api/v1/files/${files.items[0].id}/content`, { headers: bearer(user.token), maxRedirects: 0 });
  expect(content.status()).toBe(302);
});

test("resumes after a page reload, sending only the parts still missing", async ({ page, user }) => {
  // 300 s: about 26.5 MB, four parts. Parts 1 and 2 get through; 3 and 4 hang until the reload.
  const wav = fx.wav("resumed-show.wav", 300, 660);
  await signIn(page, user);
  await page.goto("/dashboard/media");
  const before = watchParts(page);
  let hold = true;
  await page.route(isPart, async (route) => {
    // Until the reload, parts 3 and 4 are never answered: the page goes away with them in flight.
    if (!hold || partOf(route.request().url()) <= 2) return route.continue();
  });
  await page.getByLabel("Choose files").setInputFiles(wav);
  await expect
    .poll(async () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("podcastpro.upload:")).map((k) => Object.keys(JSON.parse(localStorage.getItem(k)!).etags).length)), { timeout: 30_000 })
    .toEqual([2]);
  expect(before.sent.filter((n) => n <= 2).sort()).toEqual([1, 2]);

  await page.reload();
  hold = false;
  const notice = page.getByRole("status", { name: "Unfinished uploads" });
  await expect(notice).toContainText("resumed-show.wav · 63% sent");

  const after = watchParts(page);
  await page.getByLabel("Choose files").setInputFiles(wav);
  const uploads = page.getByRole("list", { name: "Uploads" });
  await expect(uploads.getByText("Uploaded")).toBeVisible({ timeout: 60_000 });
  await expect(notice).toHaveCount(0);
  expect([...after.sent].sort()).toEqual([3, 4]);
  const files = await (await page.request.get("/api/v1/files", { headers: bearer(user.token) })).json();
  expect(files.items).toHaveLength(1);
  expect(files.items[0]).toMatchObject({ originalFilename: "resumed-show.wav", sizeBytes: fs.statSync(wav).size, sha256: sha256(wav) });
  expect(files.items[0].durationSeconds).toBeCloseTo(300, 0);
});

test("an unfinished upload can be discarded, and a file that is not audio is refused", async ({ page, user }) => {
  const wav = fx.wav("abandoned.wav", 100, 880);
  await signIn(page, user);
  await page.goto("/dashboard/media");
  let hold = true;
  await page.route(isPart, async (route) => {
    if (!hold) return route.continue(); // until the reload, the bucket never answers
  });
  await page.getByLabel("Choose files").setInputFiles(wav);
  // The upload is begun (and remembered) before its first part goes out.
  let uploadId: string | undefined;
  await expect
    .poll(async () => {
      uploadId = await page.evaluate(() => {
        const key = Object.keys(localStorage).find((k) => k.startsWith("podcastpro.upload:"));
        return key ? (JSON.parse(localStorage.getItem(key)!) as { id: string }).id : undefined;
      });
      return uploadId;
    })
    .toBeTruthy();
  expect((await page.request.get(`/api/v1/uploads/${uploadId}`, { headers: bearer(user.token) })).status()).toBe(200);
  await page.reload();
  hold = false;
  const notice = page.getByRole("status", { name: "Unfinished uploads" });
  await expect(notice).toContainText("abandoned.wav · 0% sent");
  await notice.getByRole("button", { name: "Discard" }).click();
  await expect(notice).toHaveCount(0);
  await expect.poll(async () => (await page.request.get(`/api/v1/uploads/${uploadId}`, { headers: bearer(user.token) })).status()).toBe(404);

  const bogus = fx.bytes("notes.mp3", "these are my show notes, not audio\n".repeat(50));
  await page.getByLabel("Choose files").setInputFiles(bogus);
  await expect(page.getByRole("list", { name: "Uploads" }).getByRole("alert")).toContainText("WAV, MP3");
  expect((await (await page.request.get("/api/v1/files", { headers: bearer(user.token) })).json()).items).toEqual([]);
});
