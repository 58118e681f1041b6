import { AsyncLocalStorage } from "node:async_hooks";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle as drizzleSqlite, PreparedQuery, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
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
  /** SQLite only: db/tx.ts runs transactions one at a time (`queue`); queries from outside the `open` one wait. */
  sqliteTransactions?: { open: TransactionScope | null; queue: Promise<unknown> };
  close(): Promise<void>;
}

/** A transaction of db/tx.ts, as the code running in its body sees it. */
export interface TransactionScope {
  /** False once committed or rolled back. */
  open: boolean;
  /** Settles when the transaction has ended. */
  ended: Promise<void>;
  /** Set when the transaction was rolled back under a body still running: its later queries fail with it. */
  abortedWith?: Error;
}

// Kept on globalThis so dev-mode module reloads reuse one connection (and the one context its
// transactions run in).
const holder = globalThis as unknown as {
  __podcastproDb?: Connection;
  __podcastproTransactionScope?: AsyncLocalStorage<TransactionScope>;
};

/** The transaction whose body runs in the current async context (db/tx.ts enters it). */
export const transactionScope = (holder.__podcastproTransactionScope ??= new AsyncLocalStorage());

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
  const conn: Connection = {
    dialect: "sqlite",
    db: drizzleSqlite(sqlite, { schema: sqliteSchema }),
    tables: sqliteSchema,
    sqlite,
    sqliteTransactions: { open: null, queue: Promise.resolve() },
    async close() {
      sqlite.close();
    },
  };
  waitForOpenTransactions(conn);
  return conn;
}

type Placeholders = Record<string, unknown> | undefined;
const EXECUTE = ["run", "all", "get", "values"] as const;

/**
 * One SQLite connection serves every request, so a transaction open on it would take in any
 * query that runs meanwhile, and roll it back or commit it with its own writes. Every query
 * drizzle executes on the connection therefore goes through here: one from outside the open
 * transaction's body waits until the transaction has ended. Drizzle's query builders execute
 * when awaited, so the wait is invisible to callers; only the sync-only `.run()/.all()/.get()/
 * .values()` calls (not used in this app) would see a promise instead of rows.
 */
function waitForOpenTransactions(conn: Connection) {
  const whenFree = <T>(execute: () => T): T | Promise<T> => {
    const mine = transactionScope.getStore();
    if (mine?.abortedWith) throw mine.abortedWith;
    const open = conn.sqliteTransactions!.open;
    if (!open || open === mine) return execute();
    return open.ended.then(() => whenFree(execute));
  };
  const gated = Object.fromEntries(
    EXECUTE.map((name) => {
      const original = PreparedQuery.prototype[name] as (this: PreparedQuery, p: Placeholders) => unknown;
      return [name, function (this: PreparedQuery, p: Placeholders) {
        return whenFree(() => original.call(this, p));
      }];
    }),
  );
  // Drizzle's session prepares every query it runs (builders, relational queries, sql``).
  const session = (conn.db as unknown as { session: { prepareQuery: (...args: unknown[]) => PreparedQuery } }).session;
  const prepare = session.prepareQuery.bind(session);
  session.prepareQuery = (...args) => Object.assign(prepare(...args), gated);
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
