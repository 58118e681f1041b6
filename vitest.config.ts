import path from "node:path";
import { defineConfig } from "vitest/config";

// Every test file runs twice: on SQLite and on PostgreSQL (tests/setup-db.ts creates a fresh
// database per file). Files that need no database say so by living outside the data layer;
// they still run in both projects and are cheap.
const shared = {
  include: ["**/*.test.ts"],
  exclude: ["node_modules/**", "e2e/**", ".next/**"],
  setupFiles: ["tests/setup-db.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // The real package throws outside React Server Components; tests are a server context.
      "server-only": path.resolve(__dirname, "tests/server-only.ts"),
    },
  },
  test: {
    projects: [
      // *.pg.test.ts files are about PostgreSQL only (several instances on one database).
      { extends: true, test: { ...shared, name: "sqlite", env: { TEST_DB: "sqlite" }, exclude: [...shared.exclude, "**/*.pg.test.ts"] } },
      // tests/lint.test.ts reads no database and type-checks the project: once is enough.
      { extends: true, test: { ...shared, name: "postgres", env: { TEST_DB: "postgres" }, exclude: [...shared.exclude, "tests/lint.test.ts"] } },
    ],
  },
});
