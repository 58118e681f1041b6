import crypto from "node:crypto";
import type { Page } from "@playwright/test";
import { bearer, expect, test, uniqueEmail } from "./fixtures";
import { SignInPage, SignUpPage } from "./pages/auth-pages";
import { DashboardPage, EpisodePage, PodcastFormPage, PodcastPage } from "./pages/dashboard-pages";

const unique = () => crypto.randomBytes(3).toString("hex");

async function signIn(page: Page, user: { email: string; password: string }) {
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn(user);
  await expect(new DashboardPage(page).heading).toBeVisible();
}

test.describe("accounts", () => {
  test("a new user signs up, lands on an empty dashboard, signs out and signs in again", async ({ page }) => {
    const user = { name: "Grace Hopper", email: uniqueEmail("signup"), password: "a good long password" };
    const signUp = new SignUpPage(page);
    await signUp.goto();
    await signUp.signUp(user);
    const dashboard = new DashboardPage(page);
    await expect(dashboard.heading).toBeVisible();
    await expect(dashboard.emptyState).toBeVisible();
    await expect(page.getByTestId("current-user")).toHaveText(user.email);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("main").getByRole("link", { name: "Create an account" })).toBeVisible();
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/signin/);

    await new SignInPage(page).signIn(user);
    await expect(dashboard.heading).toBeVisible();
  });

  test("when signing in after sign-up cannot reach the server, the new user is told to sign in", async ({ page }) => {
    const signUp = new SignUpPage(page);
    await signUp.goto();
    // The account is created by the server action; the sign-in request that follows is lost on the
    // network (next-auth's own lookups before it get through, so it does not redirect to its error page).
    await page.route("**/api/auth/callback/**", (route) => route.abort("internetdisconnected"));
    await signUp.signUp({ name: "Offline Olga", email: uniqueEmail("offline"), password: "a good long password" });
    await expect(page.getByText("Your account was created, but signing in failed. Please sign in.")).toBeVisible();
  });

  test("sign-up shows inline errors, refuses a taken e-mail and keeps what was typed", async ({ page, user }) => {
    const signUp = new SignUpPage(page);
    await signUp.goto();
    await signUp.submit.click();
    await expect(page.getByText("Enter your name.")).toBeVisible();
    await expect(page.getByText("Enter a valid e-mail address.")).toBeVisible();
    await expect(page.getByText("Use at least 8 characters.")).toBeVisible();

    await signUp.signUp({ name: "Someone Else", email: user.email, password: "another long password" });
    await expect(page.getByText(/already exists/).first()).toBeVisible();
    await expect(signUp.name).toHaveValue("Someone Else");
    await expect(signUp.email).toHaveValue(user.email);
  });

  test("a wrong password is refused with a message that does not reveal the account", async ({ page, user }) => {
    const signInPage = new SignInPage(page);
    await signInPage.goto();
    await signInPage.signIn({ email: user.email, password: "not the password" });
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("E-mail or password is incorrect.");
    await signInPage.signIn({ email: uniqueEmail("nobody"), password: "not the password" });
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("E-mail or password is incorrect.");
  });
});

test.describe("podcasts and episodes", () => {
  test("creates a podcast with two episodes and reads them back", async ({ page, user }) => {
    await signIn(page, user);
    const title = `Morning Notes ${unique()}`;
    const dashboard = new DashboardPage(page);
    await dashboard.newPodcast();
    await new PodcastFormPage(page).create({ title, description: "Short daily notes.", category: "Arts", subcategory: "Books" });

    const podcast = new PodcastPage(page);
    await expect(podcast.heading).toHaveText(title);
    await expect(page.getByText("Arts › Books")).toBeVisible();
    await expect(page.getByText("No episodes yet")).toBeVisible();

    // "New episode" ends on the new episode's page; its breadcrumb leads back to the podcast.
    const episodePage = new EpisodePage(page);
    await podcast.newEpisode({ title: "Pilot", episodeNumber: 1, description: "Where it starts." });
    await episodePage.breadcrumb.click();
    await expect(podcast.episodes).toHaveCount(1);
    await podcast.newEpisode({ title: "Second", episodeNumber: 2 });
    await episodePage.breadcrumb.click();
    await expect(podcast.episodes).toHaveCount(2);
    await expect(podcast.episodes.nth(0)).toContainText("Second");
    await expect(podcast.episodes.nth(1)).toContainText("Pilot");

    await podcast.episodes.filter({ hasText: "Pilot" }).getByRole("link").click();
    await expect(page.getByRole("heading", { name: "Pilot", level: 1 })).toBeVisible();
    await expect(page.getByLabel("Show notes")).toHaveValue("Where it starts.");
    const guid = await page.getByTestId("episode-guid").textContent();
    await page.getByLabel("Title").fill("Pilot, revised");
    await page.getByRole("button", { name: "Save episode" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Episode saved." })).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Title")).toHaveValue("Pilot, revised");
    await expect(page.getByTestId("episode-guid")).toHaveText(guid!);

    await dashboard.goto();
    await expect(dashboard.podcasts.filter({ hasText: title })).toHaveCount(1);

    // The same data through the API.
    const list = await page.request.get("/api/v1/podcasts", { headers: bearer(user.token) });
    const [created] = (await list.json()).items;
    expect(created).toMatchObject({ title, category: "Arts", subcategory: "Books" });
    const episodes = await page.request.get(`/api/v1/podcasts/${created.id}/episodes`, { headers: bearer(user.token) });
    expect((await episodes.json()).items.map((e: { title: string }) => e.title)).toEqual(["Second", "Pilot, revised"]);
  });

  test("a duplicate title gets a free slug; a taken slug is refused with a suggestion", async ({ page, user }) => {
    await signIn(page, user);
    const title = `Same Name ${unique()}`;
    const base = title.toLowerCase().replace(/ /g, "-");
    const form = new PodcastFormPage(page);
    await page.goto("/dashboard/podcasts/new");
    await form.create({ title });
    await expect(page.getByText(`/${base} ·`)).toBeVisible();

    await page.goto("/dashboard/podcasts/new");
    await form.create({ title });
    await expect(page.getByText(`/${base}-2 ·`)).toBeVisible();

    await page.goto("/dashboard/podcasts/new");
    await form.create({ title: "Third try", slug: base, description: "Keep me" });
    await expect(page.getByText(`"${base}" is already taken. Try "${base}-3".`)).toBeVisible();
    await expect(form.title).toHaveValue("Third try");
    await expect(form.description).toHaveValue("Keep me");
    await expect(form.slug).toHaveAttribute("aria-invalid", "true");
  });

  test("bad input shows clear messages and saves nothing", async ({ page, user }) => {
    await signIn(page, user);
    await page.goto("/dashboard/podcasts/new");
    const form = new PodcastFormPage(page);
    await form.website.fill("not a url");
    await form.create({ title: "" });
    await expect(page.getByText("Please correct the highlighted fields.")).toBeVisible();
    await expect(page.getByText("Enter a title.")).toBeVisible();
    await expect(page.getByText("Enter a full http(s) address.")).toBeVisible();
    await expect(form.website).toHaveValue("not a url");
    const list = await page.request.get("/api/v1/podcasts", { headers: bearer(user.token) });
    expect((await list.json()).items).toEqual([]);
  });

  test("deleting a podcast asks for confirmation", async ({ page, user }) => {
    await signIn(page, user);
    await page.goto("/dashboard/podcasts/new");
    const title = `Short Lived ${unique()}`;
    await new PodcastFormPage(page).create({ title });
    await page.getByRole("button", { name: "Delete podcast" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("heading", { name: title })).toBeVisible();
    await page.getByRole("button", { name: "Delete podcast" }).click();
    await page.getByRole("button", { name: "Yes, delete podcast" }).click();
    const dashboard = new DashboardPage(page);
    await expect(dashboard.heading).toBeVisible();
    await expect(dashboard.emptyState).toBeVisible();
  });

  test("another user's podcast and episode URLs show not-found", async ({ page, user, createUser }) => {
    const other = await createUser();
    const secretTitle = `Private Show ${unique()}`;
    const show = await page.request.post("/api/v1/podcasts", { headers: bearer(other.token), data: { title: secretTitle } });
    const { id } = await show.json();
    const ep = await page.request.post(`/api/v1/podcasts/${id}/episodes`, { headers: bearer(other.token), data: { title: "Hidden Episode" } });
    const episodeId = (await ep.json()).id;

    await signIn(page, user);
    for (const path of [`/dashboard/podcasts/${id}`, `/dashboard/podcasts/${id}/edit`, `/dashboard/podcasts/${id}/episodes/new`, `/dashboard/episodes/${episodeId}`]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(404);
      await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
      await expect(page.getByText(secretTitle)).toHaveCount(0);
      await expect(page.getByText("Hidden Episode")).toHaveCount(0);
    }
  });
});
