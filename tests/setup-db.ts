import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { createPgDatabase, dropPgDatabase, pgAdminUrl } from "./pg-admin";

/**
 * Gives each test file its own empty, migrated database: a temporary DATA_DIR with a SQLite
 * file, or a fresh PostgreSQL database (TEST_DATABASE_URL, default the local `test` server).
 * A missing PostgreSQL fails the run (never a silent skip), in CI and locally alike.
 */
const dialect = process.env.TEST_DB === "postgres" ? "postgres" : "sqlite";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-test-"));
let pgDatabase: string | undefined;

beforeAll(async () => {
  // A module that touched `db` or `tables` while being imported has connected to the default
  // DATA_DIR (./data), before this file chose the test's database: every test in the file would
  // then share that database with other files. Fail loudly instead.
  if ((globalThis as { __podcastproDb?: unknown }).__podcastproDb) {
    throw new Error("A module opened the database at import time (a top-level use of `db` or `tables`); make it lazy.");
  }
  // One log line per API request is noise in test output; warnings and errors still show.
  (await import("@/lib/log")).setLogLevel("warn");
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  if (dialect === "postgres") {
    try {
      const created = await createPgDatabase("pp_test");
      pgDatabase = created.name;
      process.env.DATABASE_URL = created.url;
    } catch (err) {
      throw new Error(
        `PostgreSQL is needed for the postgres test project (${pgAdminUrl}): ${(err as Error).message}. ` +
          `Start it, or set TEST_DATABASE_URL.`,
      );
    }
  }
  resetEnvForTests();
  const { migrateDatabase } = await import("@/db/migrate");
  await migrateDatabase();
});

afterAll(async () => {
  const { closeConnection } = await import("@/db");
  await closeConnection();
  if (pgDatabase) await dropPgDatabase(pgDatabase);
  fs.rmSync(dataDir, { recursive: true, force: true });
});
