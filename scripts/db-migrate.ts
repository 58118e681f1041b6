/**
 * `npm run db:migrate`: applies pending migrations to the configured database (DATABASE_URL,
 * or the SQLite file in DATA_DIR) and exits. The server also does this on every start.
 */
import { closeConnection, sqliteFilePath } from "@/db";
import { migrateDatabase } from "@/db/migrate";
import { getEnv } from "@/lib/env";

function describeDatabase(): string {
  const url = getEnv().DATABASE_URL;
  if (!url) return `SQLite database ${sqliteFilePath()}`;
  const { hostname, port, pathname } = new URL(url);
  // Never print credentials.
  return `PostgreSQL database ${pathname.slice(1)} on ${hostname}:${port || 5432}`;
}

async function main() {
  const target = describeDatabase();
  console.log(`Migrating the ${target}…`);
  try {
    await migrateDatabase();
  } finally {
    await closeConnection();
  }
  console.log(`Migrated the ${target}.`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
