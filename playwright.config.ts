import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";

/**
 * The end-to-end suite runs twice, once per database, each project against its own production
 * server (`npm start`'s, so run `npm run build` first) with a fresh DATA_DIR and, for PostgreSQL,
 * a fresh database: see scripts/e2e-server.ts. A third project, `s3`, runs the specs about
 * object storage (`*.s3.spec.ts`: direct uploads from the browser) against a server whose media
 * live in an S3-protocol server on loopback. `E2E_DATABASES=sqlite` runs just one.
 */
const DATABASES = ["sqlite", "postgres", "s3"] as const;
type Database = (typeof DATABASES)[number];

const databases = (process.env.E2E_DATABASES ?? DATABASES.join(","))
  .split(",")
  .map((name) => name.trim())
  .filter((name): name is Database => {
    if ((DATABASES as readonly string[]).includes(name)) return true;
    throw new Error(`E2E_DATABASES: unknown database "${name}" (use ${DATABASES.join(", ")})`);
  });

// The config is loaded again in every worker: pick the ports once and let the workers inherit
// them. Random by default so that two checkouts (or a dev server) never collide.
process.env.E2E_PORT ??= String(20000 + DATABASES.length * Math.floor(Math.random() * 10000));
const basePort = Number(process.env.E2E_PORT);
const baseUrl = (database: Database) => `http://127.0.0.1:${basePort + DATABASES.indexOf(database)}`;

// Debian's chromium (apt-get install chromium); Playwright's own download is not available here.
// Without the networking flags it keeps calling Google's servers, which this network refuses.
const DEBIAN_CHROMIUM = "/usr/bin/chromium";
const launchOptions = {
  executablePath: fs.existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "e2e",
  // Two cores: one worker per database server, tests within a file in order.
  workers: 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [
    ["list"],
    ["html", { open: "never" }],
    // scripts/test.sh reads the counts from here.
    ...(process.env.PLAYWRIGHT_JSON_OUTPUT_FILE ? [["json"] as ["json"]] : []),
  ],
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: databases.map((database) => ({
    name: database,
    use: { ...devices["Desktop Chrome"], baseURL: baseUrl(database), launchOptions },
    ...(database === "s3" ? { testMatch: /\.s3\.spec\.ts$/ } : { testIgnore: /\.s3\.spec\.ts$/ }),
  })),
  webServer: databases.map((database) => ({
    name: database,
    command: `"${process.execPath}" --import tsx scripts/e2e-server.ts ${database} ${new URL(baseUrl(database)).port}`,
    url: `${baseUrl(database)}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    // SIGTERM lets the script stop next and drop its database; the default is SIGKILL.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "ignore",
    stderr: "pipe",
    env: { NEXT_TELEMETRY_DISABLED: "1" },
  })),
});
