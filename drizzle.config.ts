import { defineConfig } from "drizzle-kit";

// One config for both dialects: `DB_DIALECT=postgresql drizzle-kit generate` for PostgreSQL.
const postgres = process.env.DB_DIALECT === "postgresql";

export default defineConfig(
  postgres
    ? { dialect: "postgresql", schema: "./db/schema/pg.ts", out: "./db/migrations/pg" }
    : { dialect: "sqlite", schema: "./db/schema/sqlite.ts", out: "./db/migrations/sqlite" },
);
