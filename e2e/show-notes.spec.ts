import { bearer, expect, test } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";

test("show notes are written in Markdown with a live preview, a toolbar and the feed's byte counter", async ({ page, user }) => {
  const auth = bearer(user.token);
  const podcast = await (await page.request.post("/api/v1/podcasts", { headers: auth, data: { title: `Notes ${Date.now()}` } })).json();
  const episode = await (await page.request.post(`/api/v1/podcasts/${podcast.id}/episodes`, { headers: auth, data: { title: "Noted" } })).json();
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(user);
  await expect(page.getByRole("heading", { name: "Your podcasts" })).toBeVisible();
  await page.goto(`/dashboard/episodes/${episode.id}`);

  const notes = page.getByLabel("Show notes");
  const preview = page.getByTestId("notes-preview");
  const bytes = page.getByTestId("notes-bytes");
  await expect(preview).toHaveText("Nothing to preview yet.");
  await expect(bytes).toHaveText("0 / 4,000 bytes in the feed");

  // Keyboard only: type, select a word, make it bold with the toolbar's shortcut.
  await notes.fill("Welcome, listeners\n\n- 12:34 The interview\n- [Our site](https://example.com)");
  await notes.press("Control+Home");
  await notes.press("Shift+End");
  await notes.press("Control+b");
  await expect(notes).toHaveValue("**Welcome, listeners**\n\n- 12:34 The interview\n- [Our site](https://example.com)");
  await expect(preview.locator("strong")).toHaveText("Welcome, listeners");
  await expect(preview.getByRole("listitem")).toHaveCount(2);
  await expect(preview.getByRole("link", { name: "Our site" })).toHaveAttribute("href", "https://example.com");
  await expect(preview.getByRole("link", { name: "12:34" })).toHaveAttribute("href", "#t=12:34");

  // The Heading button works from the keyboard too.
  await notes.press("Control+End");
  await notes.press("Enter");
  await notes.press("Enter");
  await notes.pressSequentially("Credits");
  await page.getByRole("button", { name: "Heading" }).focus();
  await page.keyboard.press("Enter");
  await expect(preview.getByRole("heading", { name: "Credits" })).toBeVisible();
  await expect(bytes).toHaveText(/^\d{3} \/ 4,000 bytes in the feed$/);

  // Over Apple's limit: the counter warns and the server refuses with the same numbers.
  const long = Array.from({ length: 100 }, (_, i) => `[${i}](https://example.com/${i})`).join(" ");
  await notes.fill(long);
  await expect(bytes).toContainText("over Apple Podcasts' limit by");
  await expect(notes).toHaveAttribute("aria-invalid", "true");
  await page.getByRole("button", { name: "Save episode" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Apple Podcasts allows 4,000" })).toBeVisible();
  await expect(notes).toHaveValue(long);

  await notes.fill("**Saved** at 1:02:03.");
  await page.getByRole("button", { name: "Save episode" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Episode saved." })).toBeVisible();
  const saved = await (await page.request.get(`/api/v1/episodes/${episode.id}`, { headers: auth })).json();
  expect(saved.description).toBe("**Saved** at 1:02:03.");
});
