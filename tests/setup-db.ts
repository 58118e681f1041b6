import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { resetEnvForTests } from "@/lib/env";

/**
 * Gives each test file its own empty, migrated database: a temporary DATA_DIR with a SQLite
 * file, or a fresh PostgreSQL database (TEST_DATABASE_URL, default the local `test` server).
 * A missing PostgreSQL fails the run (never a silent skip), in CI and locally alike.
 */
const dialect = process.env.TEST_DB === "postgres" ? "postgres" : "sqlite";
const baseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-test-"));
let pgDatabase: string | undefined;

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  // One log line per API request is noise in test output; warnings and errors still show.
  (await import("@/lib/log")).setLogLevel("warn");
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  if (dialect === "postgres") {
    pgDatabase = `pp_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    try {
      await adminQuery(`create database ${pgDatabase}`);
    } catch (err) {
      throw new Error(
        `PostgreSQL is needed for the postgres test project (${baseUrl}): ${(err as Error).message}. ` +
          `Start it, or set TEST_DATABASE_URL.`,
      );
    }
    const url = new URL(baseUrl);
    url.pathname = `/${pgDatabase}`;
    process.env.DATABASE_URL = url.toString();
  }
  resetEnvForTests();
  const { migrateDatabase } = await import("@/db/migrate");
  await migrateDatabase();
});

afterAll(async () => {
  const { closeConnection } = await import("@/db");
  await closeConnection();
  if (pgDatabase) await adminQuery(`drop database if exists ${pgDatabase} with (force)`);
  fs.rmSync(dataDir, { recursive: true, force: true });
});
