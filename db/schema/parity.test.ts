import { describe, expect, it } from "vitest";
import * as pgSchema from "./pg";
import * as sqliteSchema from "./sqlite";
import { describeSchema } from "./describe";

describe("schema parity between SQLite and PostgreSQL", () => {
  const sqlite = describeSchema(sqliteSchema, "sqlite");
  const pg = describeSchema(pgSchema, "pg");

  it("declares the same tables", () => {
    expect(Object.keys(sqlite).sort()).toEqual(Object.keys(pg).sort());
    expect(Object.keys(sqlite).length).toBeGreaterThanOrEqual(5);
  });

  for (const table of Object.keys(sqlite)) {
    it(`${table}: same columns, types, nullability, defaults, keys and indexes`, () => {
      expect(pg[table]).toEqual(sqlite[table]);
    });
  }

  it("notices a difference (the comparison is not vacuous)", () => {
    const altered = structuredClone(sqlite);
    altered.users!.columns.email!.notNull = false;
    expect(altered).not.toEqual(pg);
  });
});
