import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import { migrate as migrateSqlite } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDatabase, dropPgDatabase } from "@/tests/pg-admin";
import { migrationsFolder } from "./migrate";

/**
 * Applies both committed migration sets to fresh databases and compares what the databases
 * really contain: tables, columns, nullability, defaults, primary, foreign and unique keys.
 */
interface Shape {
  [table: string]: { columns: Record<string, string>; foreignKeys: string[]; unique: string[] };
}

const normDefault = (d: string | null) => {
  if (d === null) return "none";
  const v = d.replace(/::[a-z ]+$/i, "").replace(/^'(.*)'$/, "$1");
  return v === "false" ? "0" : v === "true" ? "1" : v;
};

function sqliteShape(file: string): Shape {
  const conn = new Database(file, { readonly: true });
  const out: Shape = {};
  const tables = conn
    .prepare("select name from sqlite_master where type='table' and name not like 'sqlite_%' and name not like '__drizzle%'")
    .all() as { name: string }[];
  for (const { name } of tables) {
    const cols = conn.prepare(`pragma table_info("${name}")`).all() as { name: string; notnull: number; dflt_value: string | null; pk: number }[];
    const fks = conn.prepare(`pragma foreign_key_list("${name}")`).all() as { table: string; from: string; to: string; on_delete: string }[];
    const indexes = conn.prepare(`pragma index_list("${name}")`).all() as { name: string; unique: number; origin: string }[];
    out[name] = {
      columns: Object.fromEntries(
        cols.map((c) => [c.name, `${c.notnull || c.pk ? "not null" : "null"} default=${normDefault(c.dflt_value)} pk=${c.pk > 0}`]),
      ),
      foreignKeys: fks.map((f) => `${f.from}->${f.table}(${f.to}) ${f.on_delete.toLowerCase()}`).sort(),
      unique: indexes
        .filter((i) => i.unique && i.origin !== "pk")
        .map((i) => (conn.prepare(`pragma index_info("${i.name}")`).all() as { name: string }[]).map((c) => c.name).join(","))
        .sort(),
    };
  }
  conn.close();
  return out;
}

async function pgShape(client: pg.Client): Promise<Shape> {
  const out: Shape = {};
  const { rows: tables } = await client.query<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema='public' and table_type='BASE TABLE'",
  );
  for (const { table_name: name } of tables) {
    const { rows: cols } = await client.query<{ column_name: string; is_nullable: string; column_default: string | null }>(
      "select column_name, is_nullable, column_default from information_schema.columns where table_schema='public' and table_name=$1",
      [name],
    );
    const { rows: pk } = await client.query<{ column_name: string }>(
      `select k.column_name from information_schema.table_constraints c join information_schema.key_column_usage k
         on k.constraint_name=c.constraint_name and k.table_schema=c.table_schema
       where c.table_schema='public' and c.table_name=$1 and c.constraint_type='PRIMARY KEY'`,
      [name],
    );
    const pkCols = new Set(pk.map((r) => r.column_name));
    const { rows: fks } = await client.query<{ def: string; col: string; ftable: string; fcol: string }>(
      `select a.attname as col, cf.relname as ftable, af.attname as fcol, pg_get_constraintdef(con.oid) as def
       from pg_constraint con join pg_class c on c.oid=con.conrelid join pg_class cf on cf.oid=con.confrelid
       join pg_attribute a on a.attrelid=con.conrelid and a.attnum=con.conkey[1]
       join pg_attribute af on af.attrelid=con.confrelid and af.attnum=con.confkey[1]
       where con.contype='f' and c.relname=$1`,
      [name],
    );
    const { rows: uniq } = await client.query<{ cols: string }>(
      `select string_agg(a.attname, ',' order by k.ord) as cols
       from pg_index i join pg_class c on c.oid=i.indrelid
       cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
       join pg_attribute a on a.attrelid=i.indrelid and a.attnum=k.attnum
       where c.relname=$1 and i.indisunique and not i.indisprimary group by i.indexrelid`,
      [name],
    );
    out[name] = {
      columns: Object.fromEntries(
        cols.map((c) => [
          c.column_name,
          `${c.is_nullable === "NO" ? "not null" : "null"} default=${normDefault(c.column_default)} pk=${pkCols.has(c.column_name)}`,
        ]),
      ),
      foreignKeys: fks
        .map((f) => {
          const onDelete = /ON DELETE (CASCADE|RESTRICT|SET NULL|SET DEFAULT)/.exec(f.def)?.[1]?.toLowerCase() ?? "no action";
          return `${f.col}->${f.ftable}(${f.fcol}) ${onDelete}`;
        })
        .sort(),
      unique: uniq.map((u) => u.cols).sort(),
    };
  }
  return out;
}

describe("committed migrations", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-migrate-"));
  const sqliteFile = path.join(dir, "m.db");
  let dbName: string | undefined;
  let client: pg.Client;

  beforeAll(async () => {
    const created = await createPgDatabase("pp_mig");
    dbName = created.name;
    client = new pg.Client({ connectionString: created.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    if (dbName) await dropPgDatabase(dbName);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("build the same tables, columns, nullability, defaults and keys on both databases", async () => {
    const conn = new Database(sqliteFile);
    migrateSqlite(drizzleSqlite(conn), { migrationsFolder: migrationsFolder("sqlite") });
    conn.close();
    await migratePg(drizzlePg(client), { migrationsFolder: migrationsFolder("postgres") });

    const a = sqliteShape(sqliteFile);
    const b = await pgShape(client);
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    for (const table of Object.keys(a)) expect({ table, ...b[table] }).toEqual({ table, ...a[table] });
    // The check sees real structure, not empty lists.
    expect(a.episodes?.foreignKeys.length).toBeGreaterThan(0);
    expect(a.episodes?.unique).toContain("podcast_id,slug");
  });
});
