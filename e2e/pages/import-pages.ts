import type { Locator, Page } from "@playwright/test";

/** "Import a podcast" (`/dashboard/imports/new`) and an import's progress page. */
export class ImportPage {
  readonly feedUrl: Locator;
  readonly submit: Locator;
  readonly status: Locator;
  readonly progress: Locator;
  readonly items: Locator;
  readonly errors: Locator;

  constructor(readonly page: Page) {
    this.feedUrl = page.getByLabel("Feed URL");
    this.submit = page.getByRole("button", { name: "Import podcast" });
    this.status = page.getByTestId("import-status");
    this.progress = page.getByRole("progressbar", { name: "Import progress" });
    this.items = page.getByTestId("import-item");
    this.errors = page.getByTestId("import-errors").getByRole("listitem");
  }

  async start(feedUrl: string) {
    await this.feedUrl.fill(feedUrl);
    await this.submit.click();
  }
}
