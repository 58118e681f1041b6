import fs from "node:fs";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { getConnection, sqliteFilePath } from "./index";

/**
 * Online backups of the SQLite database, safe while the app runs and writes: SQLite's backup
 * API copies a consistent snapshot (in WAL mode a reader never blocks the app's writers). The
 * copy is written beside its destination as `.partial`, checked, switched out of WAL mode so it
 * is one self-contained file, and only then renamed into place.
 */
export function defaultBackupPath(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return path.join(getEnv().dataDir, "backups", `podcastpro-${stamp}.db`);
}

export interface BackupResult {
  file: string;
  bytes: number;
  ms: number;
}

/** Backs the configured SQLite database up to `dest` (default `DATA_DIR/backups/podcastpro-<timestamp>.db`). */
export async function backupSqliteDatabase(dest = defaultBackupPath()): Promise<BackupResult> {
  if (getEnv().DATABASE_URL) throw new Error("backupSqliteDatabase: DATABASE_URL is set; back PostgreSQL up with pg_dump");
  if (!fs.existsSync(sqliteFilePath())) throw new Error(`No SQLite database at ${sqliteFilePath()} (check DATA_DIR)`);
  const target = path.resolve(dest);
  if (fs.existsSync(target)) throw new Error(`${target} exists already; choose another path`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  const started = performance.now();
  const sqlite = getConnection().sqlite!;
  // Copy every page in one step: with the default small steps, each write the app makes
  // between steps restarts the backup, and a busy app could keep it from ever finishing.
  await sqlite.backup(partial, { progress: () => 2 ** 30 });
  const check = openCopy(partial);
  try {
    const result = check.pragma("integrity_check", { simple: true });
    if (result !== "ok") throw new Error(`The backup failed its integrity check: ${String(result)}`);
    check.pragma("journal_mode = DELETE");
  } finally {
    check.close();
  }
  fs.renameSync(partial, target);
  return { file: target, bytes: fs.statSync(target).size, ms: Math.round(performance.now() - started) };
}

/** A second handle on the copy, of the same driver the app uses (only db/index.ts imports it). */
function openCopy(file: string) {
  const Database = getConnection().sqlite!.constructor as new (file: string) => NonNullable<ReturnType<typeof getConnection>["sqlite"]>;
  return new Database(file);
}
