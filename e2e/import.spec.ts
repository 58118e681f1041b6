import type { Page } from "@playwright/test";
import { startOldHost, type OldHost } from "../tests/old-host";
import { expect, test } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";
import { DashboardPage } from "./pages/dashboard-pages";
import { ImportPage } from "./pages/import-pages";

// The old host listens on 127.0.0.1; the e2e servers run with ALLOW_PRIVATE_NETWORK_FETCH=true
// (scripts/e2e-server.ts) so that they may fetch from it.
let host: OldHost;

test.beforeAll(async () => {
  host = await startOldHost();
});

test.afterAll(async () => {
  await host?.close();
});

async function signIn(page: Page, user: { email: string; password: string }) {
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn(user);
  await expect(new DashboardPage(page).heading).toBeVisible();
}

test("a podcaster imports a show from its feed URL, watches the episodes arrive, then sees them", async ({ page, user }) => {
  test.setTimeout(180_000);
  await signIn(page, user);
  await page.getByRole("link", { name: "Import a podcast" }).click();
  const importPage = new ImportPage(page);

  // A wrong address is explained in place.
  await importPage.start("ftp://oldhost.example/feed.xml");
  await expect(page.getByText("Only http:// and https:// addresses are allowed.")).toBeVisible();

  await importPage.start(host.feedUrl);
  await expect(page).toHaveURL(/\/dashboard\/imports\/[0-9a-f-]{36}$/);
  // Live progress: the per-episode list appears and fills in without a reload.
  await expect(importPage.items).toHaveCount(12, { timeout: 60_000 });
  await expect(importPage.status).toHaveText(/Importing|Waiting/);
  await expect(importPage.items.filter({ hasText: "imported" }).first()).toBeVisible({ timeout: 60_000 });
  await expect(importPage.status).toHaveText(/Done, with episodes that could not be imported · 11 of 12 episodes imported · 1 failed/, { timeout: 120_000 });
  await expect(importPage.progress).toHaveAttribute("aria-valuenow", "100");
  const missing = host.items.find((i) => !i.file)!;
  await expect(importPage.errors).toHaveCount(1);
  await expect(importPage.errors.first()).toContainText(missing.title);
  await expect(importPage.errors.first()).toContainText("HTTP 404");

  await page.getByRole("link", { name: "Go to the podcast" }).click();
  await expect(page.getByRole("heading", { name: "The Old Show & Friends", level: 1 })).toBeVisible();
  const episodes = page.getByRole("list", { name: "Episodes" }).getByRole("listitem");
  await expect(episodes).toHaveCount(12);
  await expect(episodes.filter({ hasText: "published" })).toHaveCount(11);
  await expect(episodes.filter({ hasText: missing.title })).toContainText("draft");

  // What to do at the old host, and the check that it was done (not yet: the old feed answers 200).
  await expect(page.getByRole("heading", { name: "Finish the move from your old host" })).toBeVisible();
  await page.getByRole("button", { name: "Check redirect" }).click();
  await expect(page.getByText(/still answers HTTP 200/)).toBeVisible();
  const feedUrl = await page.getByRole("textbox", { name: "This feed's URL" }).inputValue();
  host.redirectFeedTo(feedUrl, 301);
  try {
    await page.getByRole("button", { name: "Check redirect" }).click();
    await expect(page.getByText(/answers 301 \(moved permanently\) to this feed/)).toBeVisible();
  } finally {
    host.redirectFeedTo(null);
  }

  // The public feed carries the old GUIDs.
  const xml = await (await page.request.get(feedUrl)).text();
  for (const item of host.items.filter((i) => i.file)) expect(xml).toContain(item.guid.replace(/&/g, "&amp;"));

  // Moving away later: the feed answers 301 to the new host and the public page says where.
  const podcastUrl = page.url();
  await page.getByLabel("New feed URL").fill("https://newhost.example/feeds/old-show.xml");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved: the feed now answers 301 to the new address.")).toBeVisible();
  const moved = await page.request.get(feedUrl, { maxRedirects: 0 });
  expect(moved.status()).toBe(301);
  expect(moved.headers()["location"]).toBe("https://newhost.example/feeds/old-show.xml");
  await page.goto(feedUrl.replace(/\/feed\.xml$/, ""));
  await expect(page.getByTestId("moved-notice")).toContainText("https://newhost.example/feeds/old-show.xml");
  await page.goto(podcastUrl);
  await page.getByLabel("New feed URL").fill("");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved: the feed is served here again.")).toBeVisible();
  expect((await page.request.get(feedUrl, { maxRedirects: 0 })).status()).toBe(200);
});
