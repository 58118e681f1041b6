import type { Locator, Page } from "@playwright/test";

/** The podcasts list at `/dashboard`. */
export class DashboardPage {
  readonly heading: Locator;
  readonly podcasts: Locator;
  readonly emptyState: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { name: "Your podcasts", level: 1 });
    this.podcasts = page.getByRole("list", { name: "Podcasts" }).getByRole("listitem");
    this.emptyState = page.getByText("No podcasts yet");
  }

  async goto() {
    await this.page.goto("/dashboard");
  }

  async newPodcast() {
    await this.page.getByRole("link", { name: "New podcast" }).click();
  }
}

/** The podcast form (new and edit). */
export class PodcastFormPage {
  readonly title: Locator;
  readonly slug: Locator;
  readonly description: Locator;
  readonly category: Locator;
  readonly subcategory: Locator;
  readonly website: Locator;

  constructor(readonly page: Page) {
    this.title = page.getByLabel("Title");
    this.slug = page.getByLabel("Slug (public address)");
    this.description = page.getByLabel("Description");
    this.category = page.getByLabel("Category", { exact: true });
    this.subcategory = page.getByLabel("Subcategory");
    this.website = page.getByLabel("Website");
  }

  async create(fields: { title: string; slug?: string; description?: string; category?: string; subcategory?: string }) {
    await this.title.fill(fields.title);
    if (fields.slug !== undefined) await this.slug.fill(fields.slug);
    if (fields.description) await this.description.fill(fields.description);
    if (fields.category) await this.category.selectOption(fields.category);
    if (fields.subcategory) await this.subcategory.selectOption(fields.subcategory);
    await this.page.getByRole("button", { name: "Create podcast" }).click();
  }
}

/** One podcast with its episodes at `/dashboard/podcasts/{id}`. */
export class PodcastPage {
  readonly heading: Locator;
  readonly episodes: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { level: 1 });
    this.episodes = page.getByRole("list", { name: "Episodes" }).getByRole("listitem");
  }

  /** The podcast's "New episode" link (the page may show more than one). */
  get newEpisodeLink(): Locator {
    return this.page.getByRole("main").getByRole("link", { name: "New episode" }).first();
  }

  /** Creates an episode without a recording through "New episode"; ends on the episode's page. */
  async newEpisode(fields: { title: string; episodeNumber?: number; description?: string }) {
    await this.newEpisodeLink.click();
    const form = new NewEpisodePage(this.page);
    await form.title.fill(fields.title);
    if (fields.episodeNumber !== undefined) {
      await form.more.click();
      await form.episodeNumber.fill(String(fields.episodeNumber));
    }
    if (fields.description) await form.showNotes.fill(fields.description);
    await form.create.click();
    await new EpisodePage(this.page).heading(fields.title).waitFor();
  }
}

/** "New episode" at `/dashboard/podcasts/{id}/episodes/new`: the recording first. */
export class NewEpisodePage {
  readonly chooseRecording: Locator;
  readonly upload: Locator;
  readonly title: Locator;
  readonly showNotes: Locator;
  readonly more: Locator;
  readonly episodeNumber: Locator;
  readonly create: Locator;

  constructor(readonly page: Page) {
    this.chooseRecording = page.getByRole("button", { name: "Choose a recording" });
    this.upload = page.getByTestId("upload-progress");
    this.title = page.getByLabel("Title");
    this.showNotes = page.getByLabel("Show notes");
    this.more = page.getByText("More: number, season, type");
    this.episodeNumber = page.getByLabel("Episode number");
    this.create = page.getByRole("button", { name: "Create episode" });
  }

  /** The progress bar of the recording's upload. */
  uploadBar(fileName: string): Locator {
    return this.page.getByRole("progressbar", { name: `Upload of ${fileName}` });
  }
}

/** One episode at `/dashboard/episodes/{id}`: processing, player, loudness, publishing. */
export class EpisodePage {
  readonly processingProgress: Locator;
  readonly waveform: Locator;
  readonly loudness: Locator;
  readonly publishNow: Locator;
  readonly published: Locator;
  readonly breadcrumb: Locator;

  constructor(readonly page: Page) {
    this.processingProgress = page.getByTestId("processing-progress");
    this.waveform = page.getByTestId("waveform");
    this.loudness = page.getByTestId("loudness-stats");
    this.publishNow = page.getByRole("button", { name: "Publish now" });
    this.published = page.getByRole("status").filter({ hasText: "Published." });
    this.breadcrumb = page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link");
  }

  heading(title: string): Locator {
    return this.page.getByRole("heading", { name: title, level: 1 });
  }
}
