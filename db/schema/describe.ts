import { getTableConfig as pgConfig, type PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { is, Table, type Column } from "drizzle-orm";

/**
 * A dialect-neutral description of a drizzle schema module: what the parity test compares.
 * Column types are reduced to drizzle's portable `dataType` (string, number, boolean, date, json).
 */
export interface TableShape {
  columns: Record<string, { dataType: string; notNull: boolean; default: unknown; primary: boolean; unique: boolean; enumValues?: string[] }>;
  foreignKeys: string[];
  uniqueIndexes: string[];
  indexes: string[];
}

function describeColumn(c: Column) {
  return {
    dataType: c.dataType,
    notNull: c.notNull,
    default: c.default,
    primary: c.primary,
    unique: c.isUnique,
    enumValues: c.enumValues,
  };
}

export function describeSchema(module: Record<string, unknown>, dialect: "sqlite" | "pg"): Record<string, TableShape> {
  const out: Record<string, TableShape> = {};
  for (const value of Object.values(module)) {
    if (!is(value, Table)) continue;
    const cfg = dialect === "pg" ? pgConfig(value as PgTable) : sqliteConfig(value as SQLiteTable);
    const columns: TableShape["columns"] = {};
    for (const c of cfg.columns) columns[c.name] = describeColumn(c);
    out[cfg.name] = {
      columns,
      foreignKeys: cfg.foreignKeys
        .map((fk) => {
          const r = fk.reference();
          const target = dialect === "pg" ? pgConfig(r.foreignTable as PgTable).name : sqliteConfig(r.foreignTable as SQLiteTable).name;
          return `${r.columns.map((c) => c.name).join(",")} -> ${target}(${r.foreignColumns.map((c) => c.name).join(",")}) on delete ${fk.onDelete ?? "no action"}`;
        })
        .sort(),
      uniqueIndexes: cfg.indexes
        .filter((i) => i.config.unique)
        .map((i) => `${i.config.name}(${i.config.columns.map((c) => (c as Column).name).join(",")})`)
        .sort(),
      indexes: cfg.indexes
        .filter((i) => !i.config.unique)
        .map((i) => `${i.config.name}(${i.config.columns.map((c) => (c as Column).name).join(",")})`)
        .sort(),
    };
  }
  return out;
}
