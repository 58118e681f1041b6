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

  async newEpisode(fields: { title: string; episodeNumber?: number; description?: string }) {
    await this.page.getByRole("link", { name: "New episode" }).click();
    await this.page.getByLabel("Title").fill(fields.title);
    if (fields.episodeNumber !== undefined) await this.page.getByLabel("Episode number").fill(String(fields.episodeNumber));
    if (fields.description) await this.page.getByLabel("Show notes").fill(fields.description);
    await this.page.getByRole("button", { name: "Create episode" }).click();
  }
}
