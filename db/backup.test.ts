import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeConnection, db, dialect, sqliteFilePath, tables } from "@/db";
import { backupSqliteDatabase } from "@/db/backup";
import { getPodcast } from "@/lib/data/podcasts";
import { getEnv, resetEnvForTests } from "@/lib/env";
import { makeEpisode, makePodcast, makeUser } from "@/tests/factories";
import { dropPgDatabase } from "@/tests/pg-admin";

const isSqlite = () => process.env.TEST_DB !== "postgres";

/**
 * A second process that inserts users one transaction at a time, numbered 0, 1, 2…, until
 * killed: the app writing while the backup runs. A consistent copy holds exactly 0..k-1.
 */
function startWriter(file: string) {
  const code = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1]);
    db.pragma("busy_timeout = 5000");
    const insert = db.prepare("insert into users (id, email, name, password_hash, created_at, updated_at) values (?, ?, 'Writer', 'x', ?, ?)");
    let n = 0;
    for (;;) {
      const now = Date.now();
      insert.run(require("crypto").randomUUID(), "writer-" + n + "@example.com", now, now);
      if (n === 200) process.stdout.write("ready\\n");
      n++;
    }`;
  const child = spawn(process.execPath, ["-e", code, file], { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", () => resolve());
    child.on("exit", (code) => reject(new Error(`the writer exited (${code}): ${stderr}`)));
  });
  return { child, ready };
}

async function writerNumbers(): Promise<number[]> {
  const rows = await db.select({ email: tables.users.email }).from(tables.users);
  return rows.map((r) => /^writer-(\d+)@/.exec(r.email)?.[1]).filter((n): n is string => n !== undefined).map(Number);
}

if (isSqlite()) describe("SQLite online backup (npm run db:backup) and restore", () => {
  const restoreDir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-restore-"));
  afterAll(() => fs.rmSync(restoreDir, { recursive: true, force: true }));

  it("copies a consistent snapshot while another process keeps writing, and the copy restores into a fresh DATA_DIR", async () => {
    const owner = await makeUser();
    const podcast = await makePodcast(owner.viewer, { title: "Backed Up Show" });
    const episodes = await Promise.all([1, 2, 3].map((i) => makeEpisode(owner.viewer, podcast.id, { title: `Part ${i}` })));
    const originalDir = getEnv().dataDir;

    const writer = startWriter(sqliteFilePath());
    let backup;
    try {
      await writer.ready;
      backup = await backupSqliteDatabase(path.join(originalDir, "backups", "during-writes.db"));
      // The writer goes on after the snapshot: wait until the live database holds more than it did then.
      const atBackup = (await writerNumbers()).length;
      while ((await writerNumbers()).length <= atBackup) await new Promise((r) => setImmediate(r));
    } finally {
      writer.child.kill("SIGKILL");
    }
    expect(path.basename(backup.file)).toBe("during-writes.db");
    expect(fs.existsSync(`${backup.file}.partial`)).toBe(false);
    const liveCount = (await writerNumbers()).length;

    // Restore as the README says: app stopped, the file copied to DATA_DIR/podcastpro.db.
    await closeConnection();
    fs.copyFileSync(backup.file, path.join(restoreDir, "podcastpro.db"));
    process.env.DATA_DIR = restoreDir;
    resetEnvForTests();
    try {
      expect(sqliteFilePath()).toBe(path.join(restoreDir, "podcastpro.db"));
      const restored = await getPodcast(owner.viewer, podcast.id);
      expect(restored.title).toBe("Backed Up Show");
      const restoredEpisodes = await db.select({ id: tables.episodes.id }).from(tables.episodes);
      expect(restoredEpisodes.map((e) => e.id).sort()).toEqual(episodes.map((e) => e.id).sort());
      // Consistent: every write the copy holds, and no gap (each insert was its own transaction).
      const numbers = (await writerNumbers()).sort((a, b) => a - b);
      expect(numbers.length).toBeGreaterThan(200);
      expect(numbers).toEqual(numbers.map((_, i) => i));
      expect(numbers.length).toBeLessThan(liveCount); // the writer really kept writing
      const { migrateDatabase } = await import("@/db/migrate");
      await migrateDatabase(); // a restored file starts like any other
    } finally {
      await closeConnection();
      process.env.DATA_DIR = originalDir;
      resetEnvForTests();
    }
  });

  it("refuses to overwrite an existing file", async () => {
    const file = path.join(getEnv().dataDir, "backups", "taken.db");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "x");
    await expect(backupSqliteDatabase(file)).rejects.toThrow(/exists already/);
  });

  it("the npm script writes DATA_DIR/backups/podcastpro-<timestamp>.db", () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", "scripts/db-backup.ts"], {
      env: { ...process.env, DATA_DIR: getEnv().dataDir },
      encoding: "utf8",
    });
    expect(out).toMatch(/Backed the SQLite database up to .*podcastpro-\d{8}T\d{6}Z\.db/);
    expect(out).toMatch(/rsync -a/);
  });
});

/** pg_dump / pg_restore / psql from PATH; missing binaries fail with the reason, never skip. */
function pgTool(name: string): string {
  const probe = spawnSync(name, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${name} is needed for the PostgreSQL backup test and was not found on PATH (apt-get install postgresql-client).`);
  }
  return name;
}

if (!isSqlite()) describe("PostgreSQL backup with pg_dump and restore with pg_restore", () => {
  const restoreDb = `pp_restore_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const dumpFile = path.join(os.tmpdir(), `${restoreDb}.dump`);
  const admin = () => {
    const url = new URL(getEnv().DATABASE_URL!);
    url.pathname = "/postgres";
    return url.toString();
  };
  const restoreUrl = () => {
    const url = new URL(getEnv().DATABASE_URL!);
    url.pathname = `/${restoreDb}`;
    return url.toString();
  };
  afterAll(async () => {
    fs.rmSync(dumpFile, { force: true });
    await dropPgDatabase(restoreDb);
  });

  it("round-trips the data into a fresh database, as README documents", async () => {
    expect(dialect()).toBe("postgres");
    const owner = await makeUser();
    const podcast = await makePodcast(owner.viewer, { title: "Dumped Show" });
    await makeEpisode(owner.viewer, podcast.id, { title: "Dumped Episode" });

    execFileSync(pgTool("pg_dump"), ["--format=custom", "--no-owner", "--file", dumpFile, getEnv().DATABASE_URL!]);
    execFileSync(pgTool("psql"), ["--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-c", `create database ${restoreDb}`, admin()]);
    execFileSync(pgTool("pg_restore"), ["--no-owner", "--exit-on-error", "--dbname", restoreUrl(), dumpFile]);

    const query = (sql: string) =>
      execFileSync("psql", ["--no-psqlrc", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql, restoreUrl()], { encoding: "utf8" }).trim();
    expect(query(`select title from podcasts where id = '${podcast.id}'`)).toBe("Dumped Show");
    expect(query(`select title from episodes where podcast_id = '${podcast.id}'`)).toBe("Dumped Episode");
    expect(query(`select email from users where id = '${owner.id}'`)).toBe(owner.email);
    // The migration journal came along: the app starts on the restored database without re-migrating.
    const migrations = fs.readdirSync(path.join(process.cwd(), "db", "migrations", "pg")).filter((f) => f.endsWith(".sql")).length;
    expect(Number(query("select count(*) from drizzle.__drizzle_migrations"))).toBe(migrations);
  });
});
