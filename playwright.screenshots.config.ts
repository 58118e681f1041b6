import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

/**
 * `npm run screenshots`: the README's pictures (docs/screenshots/*.png), taken on generated data
 * by e2e/readme-screenshots.shot.ts against one production server on SQLite. Not part of
 * `npm test` (the main config only runs *.spec.ts), since it rewrites tracked files.
 */
const sqlite = base.projects!.find((p) => p.name === "sqlite");
const server = (Array.isArray(base.webServer) ? base.webServer : [base.webServer]).find((s) => s?.name === "sqlite");
if (!sqlite || !server) throw new Error("run with E2E_DATABASES=sqlite (npm run screenshots does)");

export default defineConfig({
  ...base,
  workers: 1,
  retries: 0,
  timeout: 180_000,
  reporter: [["list"]],
  projects: [
    {
      name: "screenshots",
      testMatch: /\.shot\.ts$/,
      use: { ...sqlite.use, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, colorScheme: "light" },
    },
  ],
  webServer: [server],
});
