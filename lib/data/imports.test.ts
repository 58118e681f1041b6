import { describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import { newId } from "@/lib/ids";
import { makeUser } from "@/tests/factories";
import { claimNextImportItems, getImport, listImportItems, settleImport } from "./imports";

async function importWithItems(ownerId: string, count: number) {
  const now = new Date();
  const [imp] = await db
    .insert(tables.imports)
    .values({ id: newId(), ownerId, feedUrl: "https://old.example/feed.xml", status: "running", notes: [], skipped: 0, createdAt: now, updatedAt: now })
    .returning();
  await db.insert(tables.importItems).values(
    Array.from({ length: count }, (_, i) => ({
      id: newId(),
      importId: imp!.id,
      position: i,
      guid: `g${i}`,
      title: `Episode ${i}`,
      status: "pending" as const,
      source: {},
      createdAt: now,
      updatedAt: now,
    })),
  );
  return imp!;
}

describe("imports data layer", () => {
  it("claims each item once, in feed order, and a repeated claim returns what it claimed before", async () => {
    const user = await makeUser();
    const imp = await importWithItems(user.id, 5);
    const first = await claimNextImportItems(imp.id, 2, "import");
    expect(first).toHaveLength(2);
    // The same step running again (its result was never recorded) claims nothing new.
    expect(await claimNextImportItems(imp.id, 2, "import")).toEqual(first);
    const next = await claimNextImportItems(imp.id, 1, first[0]!);
    expect(next).toHaveLength(1);
    expect(first).not.toContain(next[0]);
    expect(await claimNextImportItems(imp.id, 1, first[0]!)).toEqual(next);
    const items = await listImportItems(user.viewer, imp.id);
    expect(items.map((i) => i.status)).toEqual(["queued", "queued", "queued", "pending", "pending"]);
  });

  it("settles only when no item is left to do, and counts what failed", async () => {
    const user = await makeUser();
    const imp = await importWithItems(user.id, 2);
    const { eq } = await import("drizzle-orm");
    await db.update(tables.importItems).set({ status: "imported" }).where(eq(tables.importItems.guid, "g0"));
    expect(await settleImport(imp.id)).toBeNull();
    await db.update(tables.importItems).set({ status: "failed", error: "The audio could not be imported: HTTP 404." }).where(eq(tables.importItems.guid, "g1"));
    expect(await settleImport(imp.id)).toBe("partial");
    const got = await getImport(user.viewer, imp.id);
    expect(got).toMatchObject({ status: "partial", progress: 1, episodes: { total: 2, imported: 1, failed: 1, skipped: 0 } });
    expect(got.errors).toEqual([{ guid: "g1", title: "Episode 1", message: "The audio could not be imported: HTTP 404." }]);
  });

  it("answers not found for someone else's import, exactly like a missing one", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const imp = await importWithItems(owner.id, 1);
    await expect(getImport(other.viewer, imp.id)).rejects.toMatchObject({ code: "not_found", message: "Import not found." });
    await expect(getImport(other.viewer, newId())).rejects.toMatchObject({ code: "not_found", message: "Import not found." });
    await expect(listImportItems(other.viewer, imp.id)).rejects.toMatchObject({ code: "not_found" });
  });
});
