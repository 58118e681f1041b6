import type { Locator, Page } from "@playwright/test";

/** The public landing page at `/`. */
export class LandingPage {
  readonly heading: Locator;
  readonly signUpLink: Locator;
  readonly signInLink: Locator;

  constructor(readonly page: Page) {
    // The header has its own sign-in / sign-up links: look in the page's main content.
    const main = page.getByRole("main");
    this.heading = main.getByRole("heading", { level: 1 });
    this.signUpLink = main.getByRole("link", { name: /sign up|create an account/i });
    this.signInLink = main.getByRole("link", { name: /sign in/i });
  }

  async goto() {
    await this.page.goto("/");
  }
}
