import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, dialect, tables } from "@/db";
import { transaction } from "@/db/tx";
import { makeUser } from "@/tests/factories";

describe("transaction()", () => {
  it("commits every write of an async body", async () => {
    const user = await makeUser();
    await transaction(async (tx) => {
      await tx.update(tables.users).set({ name: "First" }).where(eq(tables.users.id, user.id));
      await tx.update(tables.users).set({ sessionVersion: 7 }).where(eq(tables.users.id, user.id));
    });
    const [row] = await db.select().from(tables.users).where(eq(tables.users.id, user.id));
    expect(row).toMatchObject({ name: "First", sessionVersion: 7 });
  });

  it("rolls back every write when an async body throws", async () => {
    const user = await makeUser({ name: "Before" });
    await expect(
      transaction(async (tx) => {
        await tx.update(tables.users).set({ name: "After" }).where(eq(tables.users.id, user.id));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const [row] = await db.select().from(tables.users).where(eq(tables.users.id, user.id));
    expect(row?.name).toBe("Before");
  });

  it("runs concurrent transactions one after another without losing updates", async () => {
    const user = await makeUser();
    await Promise.all(
      Array.from({ length: 10 }, () =>
        transaction(async (tx) => {
          const [row] = await tx.select().from(tables.users).where(eq(tables.users.id, user.id));
          await tx
            .update(tables.users)
            .set({ sessionVersion: row!.sessionVersion + 1 })
            .where(eq(tables.users.id, user.id));
        }).catch(() => "conflict"),
      ),
    );
    const [row] = await db.select().from(tables.users).where(eq(tables.users.id, user.id));
    // SQLite serialises them all; PostgreSQL's read committed may lose some, never all.
    if (dialect() === "sqlite") expect(row!.sessionVersion).toBe(11);
    else expect(row!.sessionVersion).toBeGreaterThan(1);
  });

  it("on SQLite refuses a body that awaits non-database work, keeping none of its writes", async () => {
    const user = await makeUser({ name: "Before" });
    const outcome = await transaction(async (tx) => {
      await tx.update(tables.users).set({ name: "After" }).where(eq(tables.users.id, user.id));
      await new Promise((r) => setTimeout(r, 5));
    }).then(
      () => "committed",
      (err: Error) => err.message,
    );
    const [row] = await db.select().from(tables.users).where(eq(tables.users.id, user.id));
    if (dialect() === "sqlite") {
      expect(outcome).toMatch(/rolled back/);
      expect(row?.name).toBe("Before");
    } else {
      expect(outcome).toBe("committed");
      expect(row?.name).toBe("After");
    }
  });
});
