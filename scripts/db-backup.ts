/**
 * `npm run db:backup [file]`: an online, consistent backup of the SQLite database while the app
 * keeps running (default `DATA_DIR/backups/podcastpro-<timestamp>.db`). With DATABASE_URL set
 * it prints how to back PostgreSQL up with pg_dump instead. Media files are plain files under
 * DATA_DIR/media: copy them with rsync (printed below). Restore: see README "Backup and restore".
 */
import path from "node:path";
import { closeConnection } from "@/db";
import { backupSqliteDatabase, defaultBackupPath } from "@/db/backup";
import { getEnv } from "@/lib/env";

function postgresHelp(url: string) {
  const { hostname, port, pathname } = new URL(url);
  // Never print credentials: the commands read the URL from the environment.
  console.log(`DATABASE_URL names PostgreSQL (database ${pathname.slice(1)} on ${hostname}:${port || 5432}).`);
  console.log("Back it up with pg_dump (online and consistent; same major version as the server or newer):");
  console.log('  pg_dump --format=custom --no-owner --file "podcastpro-$(date -u +%Y%m%dT%H%M%SZ).dump" "$DATABASE_URL"');
  console.log("Restore into an empty database with the app stopped:");
  console.log('  pg_restore --no-owner --exit-on-error --dbname "$DATABASE_URL" podcastpro-<timestamp>.dump');
}

async function main() {
  const env = getEnv();
  if (env.DATABASE_URL) {
    postgresHelp(env.DATABASE_URL);
  } else {
    const dest = process.argv[2] ? path.resolve(process.argv[2]) : defaultBackupPath();
    try {
      const { file, bytes, ms } = await backupSqliteDatabase(dest);
      console.log(`Backed the SQLite database up to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MiB, ${ms} ms).`);
    } finally {
      await closeConnection();
    }
  }
  const media = path.join(env.dataDir, "media");
  console.log(`Media files are plain files: copy them too, e.g. rsync -a "${media}/" <backup host>:podcastpro-media/`);
  if (!env.AUTH_SECRET) {
    console.log(`Keep ${path.join(env.dataDir, "auth-secret")} as well (or set AUTH_SECRET): without it, sessions end.`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
