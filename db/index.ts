import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle as drizzleSqlite, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import pg from "pg";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import * as pgSchema from "./schema/pg";
import * as sqliteSchema from "./schema/sqlite";

/**
 * The one place that picks the database driver. Everything else imports `db` and `tables`
 * from here and writes queries that run on both dialects: awaited query builders and
 * `.returning()`, never sqlite-only `.run()/.get()/.all()`.
 */
export type Schema = typeof sqliteSchema;
// Queries are typed against the SQLite schema; the PostgreSQL schema has the same shape
// (checked by db/schema/parity.test.ts), so the same builder calls work on both.
export type Db = BetterSQLite3Database<Schema>;
export type Dialect = "sqlite" | "postgres";

export interface Connection {
  dialect: Dialect;
  db: Db;
  tables: Schema;
  /** better-sqlite3 handle (SQLite only), for pragmas and transactions. */
  sqlite?: Database.Database;
  pool?: pg.Pool;
  close(): Promise<void>;
}

export function sqliteFilePath(): string {
  return path.join(getEnv().dataDir, "podcastpro.db");
}

function connectSqlite(): Connection {
  const file = sqliteFilePath();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  return {
    dialect: "sqlite",
    db: drizzleSqlite(sqlite, { schema: sqliteSchema }),
    tables: sqliteSchema,
    sqlite,
    async close() {
      sqlite.close();
    },
  };
}

function connectPostgres(url: string): Connection {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", (err) => log.error("idle PostgreSQL client error", { err }));
  return {
    dialect: "postgres",
    db: drizzlePg(pool, { schema: pgSchema }) as unknown as Db,
    tables: pgSchema as unknown as Schema,
    pool,
    async close() {
      await pool.end();
    },
  };
}

// Kept on globalThis so dev-mode module reloads reuse one connection.
const holder = globalThis as unknown as { __podcastproDb?: Connection };

/** The process-wide connection, opened on first use. */
export function getConnection(): Connection {
  if (!holder.__podcastproDb) {
    const url = getEnv().DATABASE_URL;
    holder.__podcastproDb = url ? connectPostgres(url) : connectSqlite();
  }
  return holder.__podcastproDb;
}

/** Closes the process-wide connection (tests and scripts). */
export async function closeConnection() {
  const conn = holder.__podcastproDb;
  holder.__podcastproDb = undefined;
  await conn?.close();
}

function lazy<T extends object>(get: () => T): T {
  return new Proxy({} as T, {
    get: (_, prop) => {
      const target = get() as Record<PropertyKey, unknown>;
      const value = target[prop];
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export const db: Db = lazy(() => getConnection().db);
export const tables: Schema = lazy(() => getConnection().tables);
export const dialect = (): Dialect => getConnection().dialect;
