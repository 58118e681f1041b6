import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getTableColumns, getTableName, is, Table, type Column } from "drizzle-orm";
import { migrate as migrateSqlite } from "drizzle-orm/better-sqlite3/migrator";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeConnection, db, getConnection } from "@/db";
import { migrateDatabase, migrationsFolder } from "@/db/migrate";
import { getEpisode } from "@/lib/data/episodes";
import { getPodcast } from "@/lib/data/podcasts";
import { getEnv, resetEnvForTests } from "@/lib/env";
import { createPgDatabase, dropPgDatabase } from "@/tests/pg-admin";

/**
 * Upgrading a database made by an earlier release, with data in it. For every migration step k
 * in the journal: a fresh database gets migrations 0..k only, every table that exists at that
 * step gets two rows (columns and foreign keys found by introspection, values from the column's
 * type; enum values from the current schema), then the real start-up migration runs to head.
 * Every old value must be unchanged, every new column must hold its default, and the app's
 * current schema must read every row.
 */
type Row = Record<string, unknown>;
interface ColumnInfo {
  name: string;
  type: string;
  notNull: boolean;
  defaultSql: string | null;
}
interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  foreignKeys: Array<{ from: string; table: string; to: string }>;
}

const isPg = process.env.TEST_DB === "postgres";
const folder = migrationsFolder(isPg ? "postgres" : "sqlite");
const journal = JSON.parse(fs.readFileSync(path.join(folder, "meta", "_journal.json"), "utf8")) as {
  entries: Array<{ idx: number; tag: string }>;
};
const work = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-upgrade-"));
// Set by tests/setup-db.ts's beforeAll, which runs before this file's tests.
const original: { DATA_DIR?: string; DATABASE_URL?: string } = {};
beforeAll(() => {
  original.DATA_DIR = process.env.DATA_DIR;
  original.DATABASE_URL = process.env.DATABASE_URL;
});
const createdDbs: string[] = [];

async function query(sql: string, params: unknown[] = []): Promise<Row[]> {
  const conn = getConnection();
  if (conn.sqlite) {
    const stmt = conn.sqlite.prepare(sql);
    if (stmt.reader) return stmt.all(...params) as Row[];
    stmt.run(...params);
    return [];
  }
  return (await conn.pool!.query(sql, params)).rows as Row[];
}
const param = (i: number) => (isPg ? `$${i + 1}` : "?");
const quote = (name: string) => `"${name}"`;

/** Points the app at a new empty database (its own DATA_DIR, or a new PostgreSQL database). */
async function freshDatabase(name: string) {
  await closeConnection();
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  process.env.DATA_DIR = dir;
  if (isPg) {
    const created = await createPgDatabase(`pp_upgrade_${name}`);
    createdDbs.push(created.name);
    process.env.DATABASE_URL = created.url;
  }
  resetEnvForTests();
}

/** Applies migrations 0..k only, from a copy of the folder whose journal stops at k. */
async function migrateThrough(k: number) {
  const partial = path.join(work, `migrations-${k}`);
  if (!fs.existsSync(partial)) {
    fs.mkdirSync(path.join(partial, "meta"), { recursive: true });
    const entries = journal.entries.slice(0, k + 1);
    for (const e of entries) fs.copyFileSync(path.join(folder, `${e.tag}.sql`), path.join(partial, `${e.tag}.sql`));
    fs.writeFileSync(path.join(partial, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  }
  const conn = getConnection();
  if (conn.sqlite) migrateSqlite(conn.db, { migrationsFolder: partial });
  else await migratePg(conn.db as unknown as NodePgDatabase, { migrationsFolder: partial });
}

async function introspect(): Promise<Map<string, TableInfo>> {
  const out = new Map<string, TableInfo>();
  if (!isPg) {
    const names = await query(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name",
    );
    for (const { name } of names as Array<{ name: string }>) {
      const cols = (await query(`pragma table_info(${quote(name)})`)) as Array<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>;
      const fks = (await query(`pragma foreign_key_list(${quote(name)})`)) as Array<{ table: string; from: string; to: string }>;
      out.set(name, {
        name,
        columns: cols.map((c) => ({ name: c.name, type: c.type.toLowerCase(), notNull: c.notnull === 1, defaultSql: c.dflt_value })),
        primaryKey: cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
        foreignKeys: fks.map((f) => ({ from: f.from, table: f.table, to: f.to })),
      });
    }
    return out;
  }
  const names = await query("select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1");
  for (const { name } of names as Array<{ name: string }>) {
    const cols = (await query(
      "select column_name as name, data_type as type, is_nullable, column_default from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position",
      [name],
    )) as Array<{ name: string; type: string; is_nullable: string; column_default: string | null }>;
    const keys = (await query(
      `select c.contype, a.attname as "from", ft.relname as "table", fa.attname as "to", k.ord
         from pg_constraint c
         join pg_class t on t.oid = c.conrelid
         join unnest(c.conkey) with ordinality as k(attnum, ord) on true
         join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
         left join pg_class ft on ft.oid = c.confrelid
         left join pg_attribute fa on fa.attrelid = c.confrelid and fa.attnum = c.confkey[k.ord]
        where t.relname = $1 and t.relnamespace = 'public'::regnamespace and c.contype in ('p', 'f')
        order by k.ord`,
      [name],
    )) as Array<{ contype: string; from: string; table: string; to: string }>;
    out.set(name, {
      name,
      columns: cols.map((c) => ({ name: c.name, type: c.type, notNull: c.is_nullable === "NO", defaultSql: c.column_default })),
      primaryKey: keys.filter((k) => k.contype === "p").map((k) => k.from),
      foreignKeys: keys.filter((k) => k.contype === "f").map((k) => ({ from: k.from, table: k.table, to: k.to })),
    });
  }
  return out;
}

/** The current schema's column for a table/column name (for enum values and JSON-ness). */
function headColumn(table: string, column: string): Column | undefined {
  for (const t of Object.values(getConnection().tables as unknown as Record<string, unknown>)) {
    if (is(t, Table) && getTableName(t) === table) {
      return Object.values(getTableColumns(t)).find((c) => c.name === column);
    }
  }
  return undefined;
}

/** Tables in an order where every foreign key points at a table filled before. */
function fillOrder(schema: Map<string, TableInfo>): TableInfo[] {
  const done = new Set<string>();
  const order: TableInfo[] = [];
  while (order.length < schema.size) {
    const before = order.length;
    for (const t of schema.values()) {
      if (done.has(t.name)) continue;
      if (t.foreignKeys.every((f) => f.table === t.name || done.has(f.table) || !schema.has(f.table))) {
        order.push(t);
        done.add(t.name);
      }
    }
    if (order.length === before) throw new Error("foreign keys form a cycle");
  }
  return order;
}

let seq = 0;
function valueFor(table: TableInfo, col: ColumnInfo, i: number, inserted: Map<string, Row[]>): unknown {
  const fk = table.foreignKeys.find((f) => f.from === col.name);
  if (fk) {
    const target = inserted.get(fk.table)?.[i];
    if (target) return target[fk.to];
    if (!col.notNull) return null;
  }
  const head = headColumn(table.name, col.name);
  const n = ++seq;
  if (head?.enumValues?.length) return head.enumValues[n % head.enumValues.length];
  if (/json/i.test(head?.dataType ?? "") || /json/i.test(head?.columnType ?? "") || col.type === "jsonb") {
    if (!col.notNull) return null;
    return /ranges|chapters/.test(col.name) ? "[]" : '{"from":"upgrade test"}';
  }
  if (head?.dataType === "boolean" || col.type === "boolean") return isPg ? n % 2 === 0 : n % 2;
  if (head?.dataType === "date" || col.type.startsWith("timestamp")) {
    const ms = Date.UTC(2024, 0, 1) + n * 60_000;
    return isPg ? new Date(ms) : ms;
  }
  if (isPg && col.type === "bigint") return String(n); // pg returns int8 as a string
  if (/int|real|double|numeric/.test(col.type)) return /real|double/.test(col.type) ? n + 0.5 : n;
  if (col.name === "email") return `user${n}@example.com`;
  if (col.name === "id" || col.name.endsWith("_id")) return crypto.randomUUID();
  return `${col.name}-${n}`;
}

async function fill(schema: Map<string, TableInfo>): Promise<Map<string, Row[]>> {
  const inserted = new Map<string, Row[]>();
  for (const table of fillOrder(schema)) {
    const rows: Row[] = [];
    for (let i = 0; i < 2; i++) {
      const row: Row = {};
      for (const col of table.columns) row[col.name] = valueFor(table, col, i, inserted);
      const cols = Object.keys(row);
      await query(
        `insert into ${quote(table.name)} (${cols.map(quote).join(", ")}) values (${cols.map((_, j) => param(j)).join(", ")})`,
        cols.map((c) => row[c]),
      );
      rows.push(row);
    }
    inserted.set(table.name, rows);
  }
  return inserted;
}

async function readRow(table: TableInfo, pk: string[], row: Row): Promise<Row | undefined> {
  const where = pk.map((c, j) => `${quote(c)} = ${param(j)}`).join(" and ");
  return (await query(`select * from ${quote(table.name)} where ${where}`, pk.map((c) => row[c])))[0];
}

/** What a column's SQL default evaluates to now, or undefined when it depends on the time. */
async function evalDefault(sql: string): Promise<unknown> {
  if (/now\(|current_|random|unixepoch|strftime|gen_random/i.test(sql)) return undefined;
  return (await query(`select ${sql} as v`))[0]!.v;
}

afterAll(async () => {
  await closeConnection();
  process.env.DATA_DIR = original.DATA_DIR;
  if (original.DATABASE_URL) process.env.DATABASE_URL = original.DATABASE_URL;
  else delete process.env.DATABASE_URL;
  resetEnvForTests();
  for (const d of createdDbs) await dropPgDatabase(d);
  fs.rmSync(work, { recursive: true, force: true });
});

describe("upgrading a database with data from every earlier migration step to head", () => {
  const head = journal.entries.length - 1;
  it("the journal has earlier steps to upgrade from", () => expect(head).toBeGreaterThan(0));

  it.each(journal.entries.slice(0, -1).map((e) => [e.tag, e.idx] as const))("from %s", async (_tag, k) => {
    await freshDatabase(`step${k}`);
    await migrateThrough(k);
    const before = await introspect();
    const inserted = await fill(before);

    await migrateDatabase(); // exactly what the server runs at start-up
    const after = await introspect();

    for (const [name, table] of before) {
      const now = after.get(name);
      expect(now, `table ${name} still exists`).toBeDefined();
      const pk = table.primaryKey.length ? table.primaryKey : table.columns.map((c) => c.name);
      const added = now!.columns.filter((c) => !table.columns.some((o) => o.name === c.name));
      for (const row of inserted.get(name)!) {
        const stored = await readRow(now!, pk, row);
        expect(stored, `a ${name} row survives`).toBeDefined();
        for (const col of table.columns) {
          expect(stored![col.name], `${name}.${col.name} is unchanged`).toEqual(
            isPg && row[col.name] !== null && /^(jsonb)$/.test(col.type) ? JSON.parse(row[col.name] as string) : row[col.name],
          );
        }
        for (const col of added) {
          if (col.defaultSql === null) {
            expect(stored![col.name], `new column ${name}.${col.name} without default is null`).toBeNull();
          } else {
            const expected = await evalDefault(col.defaultSql);
            if (expected === undefined) expect(stored![col.name]).not.toBeNull();
            else expect(stored![col.name], `new column ${name}.${col.name} has its default`).toEqual(expected);
          }
        }
      }
    }

    // The app's current schema reads every row of every table (types, JSON, timestamps map).
    for (const t of Object.values(getConnection().tables as unknown as Record<string, unknown>)) {
      if (!is(t, Table)) continue;
      const rows = await db.select().from(t as never);
      const name = getTableName(t);
      // A table a migration fills from older rows: its rows are checked below.
      const backfilled = name === "podcast_members" && !before.has(name) ? (inserted.get("podcasts")?.length ?? 0) : 0;
      expect(rows.length, name).toBe((inserted.get(name)?.length ?? 0) + backfilled);
    }
    // 0011_teams: every existing podcast's owner is its member with role "owner", under a UUID.
    if (!before.has("podcast_members")) {
      const members = await query("SELECT id, podcast_id, user_id, role FROM podcast_members");
      for (const p of inserted.get("podcasts") ?? []) {
        const m = members.find((r) => r.podcast_id === p.id);
        expect(m, "the owner's member row").toMatchObject({ user_id: p.owner_id, role: "owner" });
        expect(m!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }
    }
    // And the data layer serves the upgraded podcasts and episodes to their owners.
    for (const p of inserted.get("podcasts") ?? []) {
      expect((await getPodcast({ userId: p.owner_id as string }, p.id as string)).title).toBe(p.title);
    }
    for (const e of inserted.get("episodes") ?? []) {
      const podcast = inserted.get("podcasts")!.find((p) => p.id === e.podcast_id)!;
      expect((await getEpisode({ userId: podcast.owner_id as string }, e.id as string)).title).toBe(e.title);
    }
    expect(getEnv().dataDir).toContain(`step${k}`);
  });
});
