import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { AppError } from "@/lib/errors";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface Cursor {
  createdAt: Date;
  id: string;
}

function decodeCursor(cursor: string): Cursor {
  try {
    const [ms, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
    const createdAt = new Date(Number(ms));
    if (!id || Number.isNaN(createdAt.getTime())) throw new Error("bad cursor");
    return { createdAt, id };
  } catch {
    throw new AppError("bad_request", "The cursor is not valid; use nextCursor from the previous page.");
  }
}

function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.getTime()}|${row.id}`, "utf8").toString("base64url");
}

/** Newest first by (createdAt, id): the where clause after `cursor` and the order to use. */
export function keysetAfter(
  cols: { createdAt: SQLiteColumn; id: SQLiteColumn },
  cursor: string | undefined,
): { where: SQL | undefined; orderBy: SQL[] } {
  let where: SQL | undefined;
  if (cursor) {
    const c = decodeCursor(cursor);
    where = or(lt(cols.createdAt, c.createdAt), and(eq(cols.createdAt, c.createdAt), lt(cols.id, c.id)));
  }
  return { where, orderBy: [desc(cols.createdAt), desc(cols.id)] };
}

/** Given `limit + 1` rows, the page and the cursor of the next one. */
export function toPage<R extends { createdAt: Date; id: string }, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return { items: slice.map(map), nextCursor: more ? encodeCursor(slice[slice.length - 1]!) : null };
}
