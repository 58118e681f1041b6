import type { Page } from "@playwright/test";
import { bearer, expect, test } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";
import { DashboardPage } from "./pages/dashboard-pages";

async function signIn(page: Page, user: { email: string; password: string }) {
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn(user);
  await expect(new DashboardPage(page).heading).toBeVisible();
}

/**
 * A plain GET on a connection of its own: a kept-alive socket left idle while the browser works
 * can be closed by the server just as it is reused (ECONNRESET), which says nothing about the app.
 */
const fetchFresh = (page: Page, url: string) => page.request.get(url, { headers: { connection: "close" } });

test.describe("private shows and subscribers", () => {
  test("the owner makes a show private, adds a subscriber whose feed works, revokes them and the feed is gone", async ({ page, user }) => {
    const created = await page.request.post("/api/v1/podcasts", { headers: { ...bearer(user.token), connection: "close" }, data: { title: "Members Only Hour" } });
    expect(created.status()).toBe(201);
    const podcast = (await created.json()) as { id: string; slug: string; visibility: string };
    expect(podcast.visibility).toBe("public");
    expect((await fetchFresh(page, `/p/${podcast.slug}/feed.xml`)).status()).toBe(200);

    await signIn(page, user);
    await page.goto(`/dashboard/podcasts/${podcast.id}/edit`);
    await page.getByLabel("Visibility").selectOption("private");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Members Only Hour" })).toBeVisible();
    await expect(page.getByText(/· private/)).toBeVisible();
    expect((await fetchFresh(page, `/p/${podcast.slug}/feed.xml`)).status()).toBe(404);
    expect((await fetchFresh(page, `/p/${podcast.slug}`)).status()).toBe(404);

    await page.getByRole("link", { name: "Subscribers" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Subscribers" })).toBeVisible();
    await page.getByRole("textbox", { name: "Name", exact: true }).fill("Patty Patron");
    await page.getByRole("textbox", { name: "E-mail", exact: true }).fill("patty@example.test");
    await page.getByRole("button", { name: "Add subscriber" }).click();
    await expect(page.getByText(/Added Patty Patron/)).toBeVisible();
    const row = page.getByTestId("subscriber").filter({ hasText: "patty@example.test" });
    const feedUrl = (await row.getByTestId("feed-url").textContent())!;
    expect(feedUrl).toMatch(/\/s\/[A-Za-z0-9_-]{43}\/feed\.xml$/);

    const feed = await fetchFresh(page, feedUrl);
    expect(feed.status()).toBe(200);
    const xml = await feed.text();
    expect(xml).toContain("<itunes:block>yes</itunes:block>");
    expect(xml).toContain("<title>Members Only Hour</title>");
    await expect(row).toContainText("Last seen");
    await page.reload();
    await expect(page.getByTestId("subscriber").filter({ hasText: "patty@example.test" })).not.toContainText("Last seen never");

    await page.getByTestId("subscriber").filter({ hasText: "patty@example.test" }).getByRole("button", { name: "Revoke" }).click();
    // The row now says so, offers no URL to copy, and the feed is gone.
    const revoked = page.getByTestId("subscriber").filter({ hasText: "patty@example.test" });
    await expect(revoked).toContainText("revoked");
    await expect(revoked.getByTestId("feed-url")).toHaveCount(0);
    expect((await fetchFresh(page, feedUrl)).status()).toBe(404);
  });
});
