import crypto from "node:crypto";
import pg from "pg";

/**
 * The PostgreSQL server of the tests (TEST_DATABASE_URL, default the local `test` database with
 * trust auth) and the throw-away databases they make on it.
 */
export const pgAdminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Runs one statement on a connection of its own: `create`/`drop database` cannot share one. */
export async function pgQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** An empty database `<prefix>_<pid>_<random>` on the test server: its name and URL. */
export async function createPgDatabase(prefix: string): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  await pgQuery(pgAdminUrl, `create database ${name}`);
  return { name, url: pgDatabaseUrl(name) };
}

/** The URL of database `name` on the test server. */
export function pgDatabaseUrl(name: string): string {
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops database `name`, closing the connections still open to it. */
export async function dropPgDatabase(name: string): Promise<void> {
  await pgQuery(pgAdminUrl, `drop database if exists ${name} with (force)`);
}
