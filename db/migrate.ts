import path from "node:path";
import { migrate as migrateSqlite } from "drizzle-orm/better-sqlite3/migrator";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { getConnection } from "./index";

export function migrationsFolder(dialect: "sqlite" | "postgres") {
  return path.join(process.cwd(), "db", "migrations", dialect === "sqlite" ? "sqlite" : "pg");
}

/** Applies every pending migration to the configured database. Safe to call on each start. */
export async function migrateDatabase() {
  const conn = getConnection();
  if (conn.dialect === "sqlite") {
    migrateSqlite(conn.db, { migrationsFolder: migrationsFolder("sqlite") });
  } else {
    // Serialise concurrent starts of several instances on one PostgreSQL.
    const client = await conn.pool!.connect();
    try {
      await client.query("select pg_advisory_lock(723401)");
      await migratePg(conn.db as unknown as NodePgDatabase, {
        migrationsFolder: migrationsFolder("postgres"),
      });
    } finally {
      await client.query("select pg_advisory_unlock(723401)").catch(() => undefined);
      client.release();
    }
  }
}
