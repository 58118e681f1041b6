import type { Locator, Page } from "@playwright/test";

/** A public podcast page at `/p/{slug}`. */
export class PublicPodcastPage {
  readonly heading: Locator;
  readonly feedUrl: Locator;
  readonly copyFeed: Locator;
  readonly episodes: Locator;

  constructor(readonly page: Page) {
    const main = page.getByRole("main");
    this.heading = main.getByRole("heading", { level: 1 });
    this.feedUrl = main.getByRole("textbox", { name: "RSS feed URL" });
    this.copyFeed = main.getByRole("button", { name: "Copy the RSS feed URL" });
    this.episodes = main.getByRole("list", { name: "Episodes" }).getByRole("listitem");
  }

  async goto(slug: string) {
    return this.page.goto(`/p/${slug}`);
  }
}

/** A public episode page at `/p/{slug}/{episodeSlug}`. */
export class PublicEpisodePage {
  readonly heading: Locator;
  readonly audio: Locator;
  readonly waveform: Locator;
  readonly chapters: Locator;
  readonly transcript: Locator;
  readonly showNotes: Locator;

  constructor(readonly page: Page) {
    const main = page.getByRole("main");
    this.heading = main.getByRole("heading", { level: 1 });
    this.audio = main.locator("audio");
    this.waveform = main.getByTestId("waveform");
    this.chapters = main.getByRole("list", { name: "Chapters" }).getByRole("button");
    this.transcript = main.getByTestId("transcript");
    this.showNotes = main.getByRole("region", { name: "Show notes" });
  }

  async goto(slug: string, episodeSlug: string) {
    return this.page.goto(`/p/${slug}/${episodeSlug}`);
  }

  /** The player's position in seconds. */
  currentTime() {
    return this.audio.evaluate((a: HTMLAudioElement) => a.currentTime);
  }
}
