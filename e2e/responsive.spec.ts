import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { writeSpeechLikeWav } from "../lib/media/test-signals";
import { makeFixtureDir } from "../tests/media-fixtures";
import { bearer, createApiUser, expect, test, type ApiUser } from "./fixtures";
import { SignInPage } from "./pages/auth-pages";

/**
 * Every page of the app, at a phone's width and a laptop's: no sideways scrolling and no serious
 * or critical WCAG 2.1 A/AA violation (axe-core). The list of pages is read from app/**\/page.tsx,
 * so a new page without an entry in PAGES fails here instead of going untested.
 */

const APP_DIR = path.join(__dirname, "..", "app");
/** A phone and a laptop; `E2E_WIDTHS=360,390,1280` checks others too. */
const WIDTHS = (process.env.E2E_WIDTHS ?? "390,1280").split(",").map(Number);
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** What the pages need: one user's show with a cover, a published episode, a run and an import. */
interface World {
  owner: ApiUser;
  podcastId: string;
  slug: string;
  episodeId: string;
  episodeSlug: string;
  runId: string;
  importId: string;
  inviteToken: string;
  ownerState: Awaited<ReturnType<BrowserContext["storageState"]>>;
}

type Who = "anonymous" | "owner";
interface Visit {
  who: Who;
  url: (w: World) => string;
}

/** Route template (route groups dropped) → the visits that cover it. */
const PAGES: Record<string, Visit[]> = {
  "/": [{ who: "anonymous", url: () => "/" }, { who: "owner", url: () => "/" }],
  "/signin": [{ who: "anonymous", url: () => "/signin" }],
  "/signup": [{ who: "anonymous", url: () => "/signup" }],
  "/dashboard": [{ who: "owner", url: () => "/dashboard" }],
  "/dashboard/analytics": [{ who: "owner", url: (w) => `/dashboard/analytics?podcast=${w.podcastId}` }],
  "/dashboard/episodes/[episodeId]": [{ who: "owner", url: (w) => `/dashboard/episodes/${w.episodeId}` }],
  "/dashboard/imports/new": [{ who: "owner", url: () => "/dashboard/imports/new" }],
  "/dashboard/imports/[importId]": [{ who: "owner", url: (w) => `/dashboard/imports/${w.importId}` }],
  "/dashboard/jobs": [{ who: "owner", url: () => "/dashboard/jobs" }],
  "/dashboard/jobs/[runId]": [{ who: "owner", url: (w) => `/dashboard/jobs/${w.runId}` }],
  "/dashboard/media": [{ who: "owner", url: () => "/dashboard/media" }],
  "/dashboard/podcasts/new": [{ who: "owner", url: () => "/dashboard/podcasts/new" }],
  "/dashboard/podcasts/[podcastId]": [{ who: "owner", url: (w) => `/dashboard/podcasts/${w.podcastId}` }],
  "/dashboard/podcasts/[podcastId]/edit": [{ who: "owner", url: (w) => `/dashboard/podcasts/${w.podcastId}/edit` }],
  "/dashboard/podcasts/[podcastId]/members": [{ who: "owner", url: (w) => `/dashboard/podcasts/${w.podcastId}/members` }],
  "/dashboard/podcasts/[podcastId]/subscribers": [{ who: "owner", url: (w) => `/dashboard/podcasts/${w.podcastId}/subscribers` }],
  "/invite/[token]": [{ who: "anonymous", url: (w) => `/invite/${w.inviteToken}` }, { who: "owner", url: (w) => `/invite/${w.inviteToken}` }],
  "/dashboard/podcasts/[podcastId]/episodes/new": [{ who: "owner", url: (w) => `/dashboard/podcasts/${w.podcastId}/episodes/new` }],
  "/dashboard/settings": [{ who: "owner", url: () => "/dashboard/settings" }],
  "/p/[slug]": [{ who: "anonymous", url: (w) => `/p/${w.slug}` }, { who: "owner", url: (w) => `/p/${w.slug}` }],
  "/p/[slug]/[episode]": [{ who: "anonymous", url: (w) => `/p/${w.slug}/${w.episodeSlug}` }, { who: "owner", url: (w) => `/p/${w.slug}/${w.episodeSlug}` }],
  "/p/[slug]/[episode]/embed": [{ who: "anonymous", url: (w) => `/p/${w.slug}/${w.episodeSlug}/embed` }],
};

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Every app/**\/page.tsx as the path it serves, route groups like "(auth)" left out. */
function pageTemplates(): string[] {
  return walk(APP_DIR)
    .filter((f) => path.basename(f) === "page.tsx")
    .map((f) => "/" + path.relative(APP_DIR, path.dirname(f)).split(path.sep).filter((s) => s !== "." && !/^\(.*\)$/.test(s)).join("/"))
    .sort();
}

test("every page of the app has an entry in the responsive checks", () => {
  const templates = pageTemplates();
  expect(templates.length).toBeGreaterThan(15);
  expect(templates.filter((t) => !PAGES[t]), "pages without an entry in PAGES").toEqual([]);
  expect(Object.keys(PAGES).filter((t) => !templates.includes(t)), "entries in PAGES without a page").toEqual([]);
});

const fixtures = makeFixtureDir();

async function signIn(browser: Browser, user: ApiUser, baseURL: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn(user);
  await page.waitForURL("**/dashboard");
  const state = await context.storageState();
  await context.close();
  return state;
}

/** Builds what the pages show through the REST API and signs the owner in. */
async function buildWorld(browser: Browser, baseURL: string): Promise<World> {
  const ctx = await browser.newContext({ baseURL });
  const api = ctx.request;
  try {
    const owner = await createApiUser(api, { name: "Responsive Tester" });
    const auth = bearer(owner.token);
    const wav = path.join(fixtures.dir, "speech.wav");
    if (!fs.existsSync(wav)) await writeSpeechLikeWav(wav, { seconds: 6, seed: 3, leadingSilence: 0.3, trailingSilence: 0.3 });
    const coverFile = fixtures.png("cover.png", 1400);

    const upload = async (file: string, mimeType: string) => {
      const res = await api.post("/api/v1/files", { headers: auth, multipart: { file: { name: path.basename(file), mimeType, buffer: fs.readFileSync(file) } } });
      expect(res.status(), await res.text()).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const coverId = await upload(coverFile, "image/png");
    const created = await api.post("/api/v1/podcasts", {
      headers: auth,
      data: {
        title: "A Show With a Rather Long Name That Has To Wrap On Phones",
        author: "Responsive Tester",
        description: "A show made by the responsive checks, with https://a-very-long-address.example.com/that/does/not/break/easily/on/a/small/screen",
        coverFileId: coverId,
        listenLinks: [{ platform: "Apple Podcasts", url: "https://podcasts.apple.com/podcast/id1" }, { platform: "Spotify", url: "https://open.spotify.com/show/1" }],
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const podcast = (await created.json()) as { id: string; slug: string };

    const ep = await api.post(`/api/v1/podcasts/${podcast.id}/episodes`, {
      headers: auth,
      data: { title: "Pilot: a first episode whose title is long enough to wrap twice on a phone", description: "<p>Notes with <a href=\"https://example.com\">a link</a>.</p>" },
    });
    expect(ep.status(), await ep.text()).toBe(201);
    const episode = (await ep.json()) as { id: string; slug: string };
    const audioId = await upload(wav, "audio/wav");
    const processing = await api.post(`/api/v1/episodes/${episode.id}/process`, { headers: auth, data: { audioFileId: audioId } });
    expect(processing.status(), await processing.text()).toBe(202);
    await expect
      .poll(async () => ((await (await api.get(`/api/v1/episodes/${episode.id}`, { headers: auth })).json()) as { processing?: { status: string } }).processing?.status, {
        timeout: 90_000,
        intervals: [500],
      })
      .toBe("succeeded");
    const published = await api.post(`/api/v1/episodes/${episode.id}/publish`, { headers: auth });
    expect(published.status(), await published.text()).toBe(200);

    const runs = (await (await api.get("/api/v1/runs", { headers: auth })).json()) as { items: { id: string }[] };
    expect(runs.items.length).toBeGreaterThan(0);
    // An import of an address the server refuses to fetch: it fails, which is a page too.
    const imported = await api.post("/api/v1/imports", { headers: auth, data: { feedUrl: "http://127.0.0.1:9/feed.xml" } });
    expect(imported.status(), await imported.text()).toBe(202);

    // A pending invitation (its link is a page) and a subscriber (a row on the Subscribers page).
    const invited = await api.post(`/api/v1/podcasts/${podcast.id}/members`, { headers: auth, data: { email: `co-host-${Date.now()}@example.com`, role: "editor" } });
    expect(invited.status(), await invited.text()).toBe(201);
    const subscribed = await api.post(`/api/v1/podcasts/${podcast.id}/subscribers`, { headers: auth, data: { name: "A Supporter With a Long Name", email: "supporter@example.com" } });
    expect(subscribed.status(), await subscribed.text()).toBe(201);

    return {
      owner,
      inviteToken: ((await invited.json()) as { inviteToken: string }).inviteToken,
      podcastId: podcast.id,
      slug: podcast.slug,
      episodeId: episode.id,
      episodeSlug: episode.slug,
      runId: runs.items[0]!.id,
      importId: ((await imported.json()) as { id: string }).id,
      ownerState: await signIn(browser, owner, baseURL),
    };
  } finally {
    await ctx.close();
  }
}

test.afterAll(() => fixtures.cleanup());

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's WCAG 2.1 A/AA rules on the page as it is; the serious and critical findings. */
async function seriousViolations(page: Page): Promise<string[]> {
  // evaluate(), not a <script>: the pages' CSP would refuse an injected script element.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  }, AXE_TAGS);
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

/** How far the page is wider than the viewport, and the widest elements that stick out. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const culprits = [...document.querySelectorAll("body *")]
      .map((el) => ({ el, right: el.getBoundingClientRect().right }))
      .filter((x) => x.right > width + 1)
      .slice(0, 5)
      .map((x) => `${x.el.tagName.toLowerCase()}${x.el.id ? `#${x.el.id}` : ""}.${[...x.el.classList].slice(0, 3).join(".")} → ${Math.round(x.right)}px`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits };
  });
}

// One test per width that visits every page (with soft assertions, so one failure does not hide
// the rest): the world takes a processed episode, too slow to build again for each page.
for (const width of WIDTHS) {
  test(`every page fits ${width} px without sideways scrolling and passes axe`, async ({ browser, baseURL }) => {
    test.setTimeout(300_000);
    const w = await buildWorld(browser, baseURL!);
    const widths: string[] = [];
    for (const [template, visits] of Object.entries(PAGES)) {
      for (const visit of visits) {
        await test.step(`${template} (${visit.who})`, async () => {
          const context = await browser.newContext({
            baseURL,
            viewport: { width, height: 800 },
            storageState: visit.who === "owner" ? w.ownerState : undefined,
          });
          try {
            const page = await context.newPage();
            const url = visit.url(w);
            const res = await page.goto(url);
            expect.soft(res?.status(), url).toBe(200);
            await page.waitForLoadState("networkidle");
            const measured = await overflow(page);
            widths.push(`${template} (${visit.who}): ${measured.scrollWidth}`);
            expect.soft(measured.scrollWidth, `${url} is ${measured.scrollWidth}px wide at ${width}px: ${measured.culprits.join("; ")}`).toBeLessThanOrEqual(measured.innerWidth);
            expect.soft(await seriousViolations(page), `${template} (${visit.who})`).toEqual([]);
          } finally {
            await context.close();
          }
        });
      }
    }
    test.info().annotations.push({ type: "scrollWidth", description: widths.join(", ") });
    await test.info().attach(`widths-${width}.txt`, { body: widths.join("\n"), contentType: "text/plain" });
    if (process.env.E2E_PRINT_WIDTHS) process.stdout.write(`scrollWidth at ${width}px:\n  ${widths.join("\n  ")}\n`);
  });
}

/** Signs up a user with a public show whose cover is #336699 blue; no episodes needed. */
async function showWithCover(browser: Browser, baseURL: string) {
  const ctx = await browser.newContext({ baseURL });
  try {
    const owner = await createApiUser(ctx.request, { name: "Show Owner" });
    const auth = bearer(owner.token);
    const cover = fixtures.png("blue-cover.png", 1400);
    const up = await ctx.request.post("/api/v1/files", { headers: auth, multipart: { file: { name: "cover.png", mimeType: "image/png", buffer: fs.readFileSync(cover) } } });
    expect(up.status(), await up.text()).toBe(201);
    const created = await ctx.request.post("/api/v1/podcasts", { headers: auth, data: { title: "Blue Show", author: "Show Owner", coverFileId: ((await up.json()) as { id: string }).id } });
    expect(created.status(), await created.text()).toBe(201);
    return { owner, podcast: (await created.json()) as { id: string; slug: string } };
  } finally {
    await ctx.close();
  }
}

const rgb = (css: string) => (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
const luminance = ([r, g, b]: number[]) => {
  const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
};
const contrast = (a: number[], b: number[]) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

test("a show's public page belongs to the show: its accent, no dashboard navigation or e-mail, one edit link for its owner", async ({ browser, baseURL }) => {
  const { owner, podcast } = await showWithCover(browser, baseURL!);
  const strangerContext = await browser.newContext({ baseURL });
  const stranger = await createApiUser(strangerContext.request, { name: "Someone Else" });
  await strangerContext.close();
  for (const who of ["owner", "stranger", "anonymous"] as const) {
    const user = who === "owner" ? owner : who === "stranger" ? stranger : null;
    const context = await browser.newContext({ baseURL, viewport: { width: 390, height: 800 }, storageState: user ? await signIn(browser, user, baseURL!) : undefined });
    const page = await context.newPage();
    await page.goto(`/p/${podcast.slug}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Blue Show");
    await expect(page.getByRole("navigation", { name: "Main" }), who).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Media" }), who).toHaveCount(0);
    await expect(page.getByTestId("current-user"), who).toHaveCount(0);
    if (user) await expect(page.getByText(user.email), who).toHaveCount(0);
    const edit = page.getByRole("link", { name: "Edit in dashboard" });
    if (who === "owner") {
      await expect(edit).toHaveAttribute("href", `/dashboard/podcasts/${podcast.id}`);
      await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);
    } else {
      await expect(edit, who).toHaveCount(0);
    }
    // The band is the cover's blue, its text whichever of black and white reads on it (AA).
    const band = page.getByTestId("show-band");
    const [background, color] = await band.evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
    const bg = rgb(background!);
    expect(Math.max(Math.abs(bg[0]! - 0x33), Math.abs(bg[1]! - 0x66), Math.abs(bg[2]! - 0x99)), background).toBeLessThan(6);
    expect(contrast(bg, rgb(color!))).toBeGreaterThanOrEqual(4.5);
    await expect(band.getByRole("link", { name: "Blue Show" })).toBeVisible();
    await context.close();
  }
});

/** Whether the focused element shows it: an outline or a focus ring (box-shadow). */
async function focusShown(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: "body", shown: true };
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1;
    return { tag: `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 30) || el.getAttribute("name") || el.id}"`, shown: outline || s.boxShadow !== "none" };
  });
}

test("on a phone the header is a menu that opens from the keyboard, focus stays visible and targets are 44 px", async ({ browser, baseURL }) => {
  // Four pages, 25 keyboard stops each, every stop measured: more than the default 30 s on a busy machine.
  test.setTimeout(90_000);
  const { owner, podcast } = await showWithCover(browser, baseURL!);
  const context = await browser.newContext({ baseURL, viewport: { width: 390, height: 800 }, storageState: await signIn(browser, owner, baseURL!) });
  const page = await context.newPage();
  await page.goto("/dashboard");
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(page.getByRole("link", { name: "Settings" })).toBeHidden();
  for (let i = 0; i < 5 && !(await menu.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(menu).toBeFocused();
  expect((await focusShown(page)).shown).toBe(true);
  await page.keyboard.press("Enter");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByRole("link", { name: "Settings" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toHaveText(owner.email);
  await page.keyboard.press("Space");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await page.keyboard.press("Space");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Dashboard", exact: true })).toBeFocused();
  expect((await focusShown(page)).shown).toBe(true);
  await page.keyboard.press("Escape");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeFocused();
  // Every item of the open menu is a 44 px tall target.
  await menu.click();
  for (const item of await page.locator("header").getByRole("link").or(page.locator("header").getByRole("button")).all()) {
    const box = (await item.boundingBox())!;
    expect(box.height, (await item.textContent()) ?? "").toBeGreaterThanOrEqual(44);
  }
  await page.getByRole("link", { name: "Media" }).click();
  await expect(page).toHaveURL(/\/dashboard\/media$/);
  await expect(menu).toHaveAttribute("aria-expanded", "false");

  // Forms: one column, 44 px controls, and a visible focus on every stop of the keyboard's way.
  for (const url of [`/dashboard/podcasts/${podcast.id}/edit`, "/dashboard/podcasts/new", "/dashboard/settings", `/p/${podcast.slug}`]) {
    await page.goto(url);
    const controls = page.locator("main form").locator("button:visible, select:visible, input:visible:not([type=checkbox]):not([type=radio]):not([type=hidden])");
    for (const control of await controls.all()) {
      const box = (await control.boundingBox())!;
      expect(box.height, `${url}: ${await control.evaluate((el) => el.outerHTML.slice(0, 120))}`).toBeGreaterThanOrEqual(44);
      expect(box.x + box.width, url).toBeLessThanOrEqual(390);
    }
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press("Tab");
      const focus = await focusShown(page);
      expect(focus.shown, `${url}: focus not visible on ${focus.tag}`).toBe(true);
    }
  }
  await context.close();
});
