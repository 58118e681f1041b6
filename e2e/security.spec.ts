import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "@playwright/test";
import { writeSpeechLikeWav } from "../lib/media/test-signals";
import { bearer, expect, test, type ApiUser } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-e2e-security-"));
const recording = path.join(dir, "alice-recording.wav");
test.beforeAll(async () => {
  await writeSpeechLikeWav(recording, { seconds: 3, seed: 3 });
});
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function signIn(page: Page, user: { email: string; password: string }) {
  const form = new SignInPage(page);
  await form.goto();
  await form.signIn(user);
  await expect(page.getByRole("heading", { name: "Your podcasts" })).toBeVisible();
}

/** Records every CSP violation the browser reports on a page. */
function watchCsp(page: Page) {
  const violations: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
  });
  return violations;
}

test("another user's podcast, episode, media and job pages answer 404 and show nothing of theirs", async ({ page, createUser }) => {
  const alice: ApiUser = await createUser({ name: "Alice Owner" });
  const bob = await createUser({ name: "Bob Prober" });
  const auth = bearer(alice.token);
  const podcast = await (await page.request.post("/api/v1/podcasts", { headers: auth, data: { title: "Alice Secret Show" } })).json();
  const episode = await (await page.request.post(`/api/v1/podcasts/${podcast.id}/episodes`, { headers: auth, data: { title: "Alice Secret Episode" } })).json();
  const upload = await page.request.post("/api/v1/files", {
    headers: auth,
    multipart: { file: { name: "alice-recording.wav", mimeType: "audio/wav", buffer: fs.readFileSync(recording) } },
  });
  expect(upload.status(), await upload.text()).toBe(201);
  const file = await upload.json();
  const started = await page.request.post(`/api/v1/episodes/${episode.id}/process`, { headers: auth, data: { audioFileId: file.id } });
  expect(started.status(), await started.text()).toBe(202);
  let runId: string | null = null;
  await expect(async () => {
    runId = (await (await page.request.get(`/api/v1/episodes/${episode.id}`, { headers: auth })).json()).processing?.runId ?? null;
    expect(runId).toBeTruthy();
  }).toPass({ timeout: 30_000 });

  const violations = watchCsp(page);
  await signIn(page, bob);
  for (const url of [
    `/dashboard/podcasts/${podcast.id}`,
    `/dashboard/podcasts/${podcast.id}/edit`,
    `/dashboard/podcasts/${podcast.id}/episodes/new`,
    `/dashboard/episodes/${episode.id}`,
    `/dashboard/jobs/${runId}`,
  ]) {
    const res = await page.goto(url);
    expect(res?.status(), url).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    const html = await page.content();
    for (const secret of ["Alice Secret Show", "Alice Secret Episode", "alice-recording.wav", alice.email]) expect(html, url).not.toContain(secret);
  }
  for (const url of ["/dashboard", "/dashboard/media", "/dashboard/jobs", "/dashboard/analytics"]) {
    await page.goto(url);
    const html = await page.content();
    for (const secret of ["Alice Secret Show", "Alice Secret Episode", "alice-recording.wav", file.id, episode.id]) expect(html, url).not.toContain(secret);
  }
  // Media with B's session cookie (what <audio src> uses): 404 too.
  expect((await page.request.get(`/api/v1/files/${file.id}/content`)).status()).toBe(404);
  expect(violations).toEqual([]);
});

test("pages carry a nonce CSP and the security headers, and run without CSP violations", async ({ page, user }) => {
  const violations = watchCsp(page);
  const res = await page.goto("/signin");
  const headers = res!.headers();
  const csp = headers["content-security-policy"]!;
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).toContain("'strict-dynamic'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["strict-transport-security"]).toBeUndefined(); // plain HTTP here
  // Next put the nonce on its scripts; a second request gets a different one.
  expect(await page.locator(`script[nonce]`).count()).toBeGreaterThan(0);
  const again = (await page.request.get("/signin")).headers()["content-security-policy"]!;
  expect(again).not.toContain(nonce!);
  // Hydrated under the CSP: the client-side sign-in works.
  await new SignInPage(page).signIn(user);
  await expect(page.getByRole("heading", { name: "Your podcasts" })).toBeVisible();
  await page.goto("/dashboard/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  expect(violations).toEqual([]);

  const api = await page.request.get("/api/v1/openapi.json");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  expect(api.headers()["content-security-policy"]).toContain("default-src 'none'");
  const https = await page.request.get("/signin", { headers: { "x-forwarded-proto": "https" } });
  expect(https.headers()["strict-transport-security"]).toMatch(/max-age=\d+/);
});

test("session cookies are HttpOnly and SameSite=Lax", async ({ page, user }) => {
  await signIn(page, user);
  const cookie = (await page.context().cookies()).find((c) => c.name.includes("next-auth.session-token"));
  expect(cookie).toBeDefined();
  expect(cookie!.httpOnly).toBe(true);
  expect(cookie!.sameSite).toBe("Lax");
});

test("changing the password signs out every browser and revokes tokens", async ({ browser, user }) => {
  const first = await browser.newContext();
  const second = await browser.newContext();
  const pageA = await first.newPage();
  const pageB = await second.newPage();
  await signIn(pageA, user);
  await signIn(pageB, user);

  await pageA.goto("/dashboard/settings");
  const form = pageA.getByRole("form", { name: "Change password" });
  await form.getByLabel("Current password").fill("not my password");
  await form.getByLabel("New password").fill("a brand new password");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByText("The current password is incorrect.").first()).toBeVisible();

  await form.getByLabel("Current password").fill(user.password);
  await form.getByLabel("New password").fill("a brand new password");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(pageA).toHaveURL(/\/signin\?reason=password-changed/);
  await expect(pageA.getByRole("status")).toContainText("Your password was changed");

  await pageB.goto("/dashboard");
  await expect(pageB).toHaveURL(/\/signin/);
  expect((await pageB.request.get("/api/v1/me", { headers: bearer(user.token) })).status()).toBe(401);

  await signIn(pageA, { email: user.email, password: "a brand new password" });
  await pageA.goto("/dashboard/settings");
  await pageA.getByRole("button", { name: "Sign out of all sessions" }).click();
  await expect(pageA).toHaveURL(/\/signin\?reason=signed-out-everywhere/);
  await first.close();
  await second.close();
});

test("sign-in is locked after 10 failures for an account, with a readable message", async ({ page, user }) => {
  const form = new SignInPage(page);
  await form.goto();
  const alert = page.locator("form").getByRole("alert");
  for (let i = 0; i < 10; i++) {
    await form.signIn({ email: user.email, password: `wrong password ${i}` });
    await expect(alert).toHaveText("E-mail or password is incorrect.");
    await expect(form.submit).toBeEnabled();
  }
  // Now even the right password is refused, with when to try again (the same for any e-mail).
  await form.signIn(user);
  await expect(alert).toHaveText(/^Too many attempts\. Try again in 1[45] minutes\.$/);
  await expect(page).toHaveURL(/\/signin/);
});
