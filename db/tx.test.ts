import { AsyncResource } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
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
    const bodyDone = deferred();
    const outcome = await transaction(async (tx) => {
      try {
        await tx.update(tables.users).set({ name: "After" }).where(eq(tables.users.id, user.id));
        await new Promise((r) => setTimeout(r, 5));
        await tx.update(tables.users).set({ sessionVersion: 9 }).where(eq(tables.users.id, user.id));
      } finally {
        bodyDone.resolve();
      }
    }).then(
      () => "committed",
      (err: Error) => err.message,
    );
    await bodyDone.promise; // the write after the I/O has been tried too
    const [row] = await db.select().from(tables.users).where(eq(tables.users.id, user.id));
    if (dialect() === "sqlite") {
      expect(outcome).toMatch(/awaited something other than its own database calls.*rolled back/);
      expect(row).toMatchObject({ name: "Before", sessionVersion: 1 });
    } else {
      expect(outcome).toBe("committed");
      expect(row).toMatchObject({ name: "After", sessionVersion: 9 });
    }
  });

  it("runs queries of a callback a refused body created once that body has returned", async () => {
    const user = await makeUser({ name: "Before" });
    const bodyDone = deferred();
    let later: (() => Promise<unknown>) | undefined;
    await transaction(async () => {
      try {
        // Say, a timer or a background loop started from the body: it keeps the body's async context.
        later = AsyncResource.bind(async () => {
          await db.update(tables.users).set({ name: "Later" }).where(eq(tables.users.id, user.id));
        });
        await new Promise((r) => setTimeout(r, 5));
      } finally {
        bodyDone.resolve();
      }
    }).catch(() => undefined);
    await bodyDone.promise;
    await new Promise((r) => setImmediate(r)); // the transaction has seen the body return
    await later!();
    const [row] = await db.select().from(tables.users).where(eq(tables.users.id, user.id));
    expect(row?.name).toBe("Later");
  });

  it("keeps working on the same connection after a dev-mode reload of the db modules", async () => {
    const user = await makeUser({ name: "Before" });
    vi.resetModules();
    const reloaded = await import("@/db/tx");
    const name = await reloaded.transaction(async (tx) => {
      await tx.update(tables.users).set({ name: "Reloaded" }).where(eq(tables.users.id, user.id));
      const [row] = await tx.select().from(tables.users).where(eq(tables.users.id, user.id));
      return row!.name;
    });
    expect(name).toBe("Reloaded");
  });

  it("keeps another request's write made while a transaction is open, when that transaction rolls back", async () => {
    const user = await makeUser({ name: "Before" });
    const otherId = randomUUID();
    const otherMayWrite = deferred();
    // Another request, already waiting on the event loop: its insert comes due while the body runs.
    const otherRequest = (async () => {
      await otherMayWrite.promise;
      const now = new Date();
      await db.insert(tables.users).values({
        id: otherId,
        email: `other-${otherId}@example.com`,
        name: "Other",
        passwordHash: "x",
        createdAt: now,
        updatedAt: now,
      });
      await db.update(tables.users).set({ sessionVersion: 5 }).where(eq(tables.users.id, user.id));
      return "written";
    })();
    const outcome = transaction(async (tx) => {
      await tx.update(tables.users).set({ name: "After" }).where(eq(tables.users.id, user.id));
      otherMayWrite.resolve();
      // More database calls: each await gives queued work a turn.
      for (let i = 0; i < 5; i++) await tx.select().from(tables.users).where(eq(tables.users.id, user.id));
      throw new Error("boom");
    });
    await expect(outcome).rejects.toThrow("boom");
    expect(await otherRequest).toBe("written");
    const rows = await db.select().from(tables.users).where(inArray(tables.users.id, [user.id, otherId]));
    expect(rows.find((r) => r.id === otherId)?.name).toBe("Other");
    // The body's own write is gone, the other request's update of the same row is kept.
    expect(rows.find((r) => r.id === user.id)).toMatchObject({ name: "Before", sessionVersion: 5 });
  });

  it("runs a body's queries made through db (not tx) without waiting for itself", async () => {
    const user = await makeUser({ name: "Before" });
    const name = await transaction(async (tx) => {
      await tx.update(tables.users).set({ sessionVersion: 3 }).where(eq(tables.users.id, user.id));
      const [row] = await db.select().from(tables.users).where(eq(tables.users.id, user.id));
      return row!.name;
    });
    expect(name).toBe("Before");
    const [row] = await db.select().from(tables.users).where(eq(tables.users.id, user.id));
    expect(row?.sessionVersion).toBe(3);
  });

  it("refuses transaction() inside a transaction body, rolling back the outer one", async () => {
    const user = await makeUser({ name: "Before" });
    const outcome = await transaction(async (tx) => {
      await tx.update(tables.users).set({ name: "Outer" }).where(eq(tables.users.id, user.id));
      await transaction(async (inner) => {
        await inner.update(tables.users).set({ sessionVersion: 4 }).where(eq(tables.users.id, user.id));
      });
    }).then(
      () => "committed",
      (err: Error) => err.message,
    );
    expect(outcome).toMatch(/do not nest.*pass its tx down/);
    const [row] = await db.select().from(tables.users).where(eq(tables.users.id, user.id));
    expect(row).toMatchObject({ name: "Before", sessionVersion: 1 });
  });

  it("on SQLite ends a body that waits for a query started outside the transaction, instead of hanging", async () => {
    const user = await makeUser({ name: "Before" });
    const startOutside = deferred();
    // Another request's read, started while the transaction is open; the body then awaits it.
    const outsideRead = (async () => {
      await startOutside.promise;
      const [row] = await db.select().from(tables.users).where(eq(tables.users.id, user.id));
      return row!.name;
    })();
    const bodyDone = deferred();
    const outcome = await transaction(async (tx) => {
      try {
        await tx.update(tables.users).set({ name: "After" }).where(eq(tables.users.id, user.id));
        startOutside.resolve();
        await outsideRead;
        await tx.update(tables.users).set({ sessionVersion: 6 }).where(eq(tables.users.id, user.id));
      } finally {
        bodyDone.resolve();
      }
    }).then(
      () => "committed",
      (err: Error) => err.message,
    );
    await bodyDone.promise;
    const [row] = await db.select().from(tables.users).where(eq(tables.users.id, user.id));
    if (dialect() === "sqlite") {
      expect(outcome).toMatch(/rolled back/);
      // The outside read saw the state before the transaction, never its uncommitted write.
      expect(await outsideRead).toBe("Before");
      expect(row).toMatchObject({ name: "Before", sessionVersion: 1 });
    } else {
      expect(outcome).toBe("committed");
      expect(await outsideRead).toBe("Before");
      expect(row).toMatchObject({ name: "After", sessionVersion: 6 });
    }
  });
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
