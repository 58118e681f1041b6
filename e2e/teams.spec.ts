import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { writeSpeechLikeWav } from "../lib/media/test-signals";
import { bearer, expect, test, type ApiUser } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-e2e-teams-"));
const speech = path.join(dir, "episode.wav");

test.beforeAll(async () => {
  await writeSpeechLikeWav(speech, { seconds: 4, seed: 5, leadingSilence: 0.2, trailingSilence: 0.2 });
});
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A browser of its own (cookies apart), signed in as `user`. */
async function signedIn(browser: Browser, baseURL: string | undefined, user: ApiUser, startAt = "/signin"): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto(startAt);
  await expect(page).toHaveURL(/\/signin/);
  await new SignInPage(page).signIn(user);
  await expect(page).not.toHaveURL(/\/signin/);
  return page;
}

test("the owner invites an editor who accepts in another browser and publishes; a viewer reads analytics without edit controls", async ({ page, browser, baseURL, user: owner, createUser }) => {
  test.setTimeout(150_000);
  const editor = await createUser({ name: "Eddie Editor" });
  const viewer = await createUser({ name: "Vera Viewer" });
  const api = page.request;
  const auth = bearer(owner.token);

  // The owner's show with an episode whose audio is ready (processed through the API).
  const title = `Team Show ${Date.now()}`;
  const podcast = await (await api.post("/api/v1/podcasts", { headers: auth, data: { title, author: "The Team" } })).json();
  const episode = await (await api.post(`/api/v1/podcasts/${podcast.id}/episodes`, { headers: auth, data: { title: "Team pilot" } })).json();
  const file = await (
    await api.post("/api/v1/files", { headers: auth, multipart: { file: { name: "episode.wav", mimeType: "audio/wav", buffer: fs.readFileSync(speech) } } })
  ).json();
  expect((await api.post(`/api/v1/episodes/${episode.id}/process`, { headers: auth, data: { audioFileId: file.id } })).status()).toBe(202);

  // The owner invites the editor from the Members page and copies the link.
  await page.goto("/signin");
  await new SignInPage(page).signIn(owner);
  await expect(page).toHaveURL(/\/dashboard/);
  await page.goto(`/dashboard/podcasts/${podcast.id}`);
  await page.getByRole("link", { name: "Members" }).click();
  const invite = page.getByRole("form", { name: "Invite a member" });
  await invite.getByLabel("E-mail").fill(editor.email);
  await invite.getByLabel("Role").selectOption("editor");
  await invite.getByRole("button", { name: "Create invitation" }).click();
  const link = invite.getByRole("textbox", { name: "Invitation link" });
  await expect(link).toHaveValue(/\/invite\/[A-Za-z0-9_-]{40,}$/);
  const invitePath = new URL(await link.inputValue()).pathname;
  await expect(page.getByRole("list", { name: "Pending invitations" })).toContainText(editor.email);

  // The editor opens the link in a browser of their own: sign in, back to the invitation, accept.
  const editorPage = await signedIn(browser, baseURL, editor, invitePath);
  await expect(editorPage).toHaveURL(new RegExp(`${invitePath}$`));
  await expect(editorPage.getByText(`You are invited to join ${title} as an editor.`)).toBeVisible();
  await editorPage.getByRole("button", { name: "Accept invitation" }).click();
  await expect(editorPage).toHaveURL(new RegExp(`/dashboard/podcasts/${podcast.id}$`));
  await expect(editorPage.getByTestId("my-role")).toHaveText(" · you are an editor");
  await expect(editorPage.getByRole("link", { name: "Edit podcast" })).toHaveCount(0);
  await editorPage.goto("/dashboard");
  await expect(editorPage.getByRole("list", { name: "Podcasts" })).toContainText(`${title}`);
  await expect(editorPage.getByRole("list", { name: "Podcasts" })).toContainText("shared · editor");

  // The used link is dead.
  await editorPage.goto(invitePath);
  await expect(editorPage.getByText("This invitation has already been used.")).toBeVisible();

  // Once the owner's processing is done, the editor publishes the episode.
  await expect
    .poll(async () => (await (await api.get(`/api/v1/episodes/${episode.id}`, { headers: auth })).json()).processing?.status, { timeout: 90_000, intervals: [1000] })
    .toBe("succeeded");
  await editorPage.goto(`/dashboard/episodes/${episode.id}`);
  await editorPage.getByRole("button", { name: "Publish now" }).click();
  await expect(editorPage.getByRole("button", { name: "Unpublish" })).toBeVisible();
  expect((await (await api.get(`/api/v1/episodes/${episode.id}`, { headers: auth })).json()).status).toBe("published");

  // The owner sees who did it.
  await page.reload();
  await expect(page.getByRole("list", { name: "Activity" })).toContainText("Eddie Editor published episode Team pilot");

  // A viewer (invited and accepted through the API) reads the analytics, and has nothing to edit.
  const invited = await (await api.post(`/api/v1/podcasts/${podcast.id}/members`, { headers: auth, data: { email: viewer.email, role: "viewer" } })).json();
  const accepted = await api.post("/api/v1/invitations/accept", { headers: bearer(viewer.token), data: { token: invited.inviteToken } });
  expect(await accepted.json()).toEqual({ podcastId: podcast.id, role: "viewer" });
  const viewerPage = await signedIn(browser, baseURL, viewer);
  await viewerPage.goto(`/dashboard/analytics?podcast=${podcast.id}`);
  await expect(viewerPage.getByRole("heading", { name: "Analytics", level: 1 })).toBeVisible();
  await expect(viewerPage.getByRole("heading", { name: "Downloads per day" })).toBeVisible();
  await viewerPage.goto(`/dashboard/podcasts/${podcast.id}`);
  await expect(viewerPage.getByTestId("my-role")).toHaveText(" · you are a viewer");
  await expect(viewerPage.getByRole("link", { name: "Team pilot" })).toBeVisible();
  for (const name of ["New episode", "Edit podcast", "Members"]) await expect(viewerPage.getByRole("link", { name })).toHaveCount(0);
  await expect(viewerPage.getByRole("button", { name: /Delete/ })).toHaveCount(0);
  await viewerPage.goto(`/dashboard/episodes/${episode.id}`);
  await expect(viewerPage.getByRole("heading", { name: "Team pilot", level: 1 })).toBeVisible();
  for (const name of [/Publish/, /Unpublish/, /Save episode/, /Delete/, /Process/]) await expect(viewerPage.getByRole("button", { name })).toHaveCount(0);
  // The API says so too: 403 with a plain message.
  const refused = await api.post(`/api/v1/episodes/${episode.id}/unpublish`, { headers: bearer(viewer.token) });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toBe("You are a viewer of this show; only an editor, admin or the owner of this show can do this.");
});

test("a member who opens a page above their role by URL reads why, with the way back, never an error page", async ({ page, browser, baseURL, user: owner, createUser }) => {
  const api = page.request;
  const auth = bearer(owner.token);
  const title = `Roles Show ${Date.now()}`;
  const podcast = await (await api.post("/api/v1/podcasts", { headers: auth, data: { title, author: "The Team" } })).json();
  const join = async (role: "viewer" | "editor") => {
    const member = await createUser({ name: `A ${role}` });
    const invited = await (await api.post(`/api/v1/podcasts/${podcast.id}/members`, { headers: auth, data: { email: member.email, role } })).json();
    expect((await api.post("/api/v1/invitations/accept", { headers: bearer(member.token), data: { token: invited.inviteToken } })).status()).toBe(200);
    return signedIn(browser, baseURL, member);
  };
  const pages = {
    "Edit podcast": { path: "edit", need: "an admin or the owner" },
    "New episode": { path: "episodes/new", need: "an editor, admin or the owner" },
    Members: { path: "members", need: "an admin or the owner" },
    Subscribers: { path: "subscribers", need: "an admin or the owner" },
  };
  const expectRefused = async (member: Page, role: string, heading: string) => {
    const { path: sub, need } = pages[heading as keyof typeof pages];
    const response = await member.goto(`/dashboard/podcasts/${podcast.id}/${sub}`);
    expect(response?.status(), `${role} on ${sub}`).toBe(200);
    await expect(member.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    await expect(member.locator("main").getByRole("status")).toHaveText(`You are a${role === "editor" ? "n" : ""} ${role} of this show; only ${need} of this show can do this.`);
    await expect(member.locator("main form")).toHaveCount(0);
    await member.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: title }).click();
    await expect(member).toHaveURL(new RegExp(`/dashboard/podcasts/${podcast.id}$`));
  };

  const viewer = await join("viewer");
  for (const heading of Object.keys(pages)) await expectRefused(viewer, "viewer", heading);
  const editor = await join("editor");
  for (const heading of ["Edit podcast", "Members", "Subscribers"]) await expectRefused(editor, "editor", heading);
  // The editor's own page opens as it should.
  await editor.goto(`/dashboard/podcasts/${podcast.id}/episodes/new`);
  await expect(editor.getByRole("button", { name: "Create episode" })).toBeVisible();
});
