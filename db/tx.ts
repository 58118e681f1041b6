import { getConnection, type Db } from "./index";

let sqliteQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs `body` in one transaction on either database: committed when it resolves, rolled back
 * when it throws.
 *
 * On SQLite, drizzle's transaction wants a synchronous body (an async one throws *and keeps
 * its writes*), so this opens the transaction by hand on the single connection. That is only
 * safe while nothing else can run on the connection in between: the body may await database
 * calls (better-sqlite3 answers them without giving up the event loop) but nothing else. A body
 * that awaits real I/O is rolled back with an error rather than silently mixing in other
 * requests' queries. Transactions do not nest.
 */
export async function transaction<T>(body: (tx: Db) => Promise<T>): Promise<T> {
  const conn = getConnection();
  if (conn.dialect === "postgres") {
    return (conn.db as unknown as { transaction: (b: (tx: Db) => Promise<T>) => Promise<T> }).transaction(body);
  }
  const sqlite = conn.sqlite!;
  const run = async () => {
    let yielded = false;
    const guard = setImmediate(() => {
      yielded = true;
    });
    sqlite.exec("BEGIN IMMEDIATE");
    try {
      const result = await body(conn.db);
      if (yielded) {
        throw new Error(
          "transaction body awaited something other than the database; it was rolled back",
        );
      }
      sqlite.exec("COMMIT");
      return result;
    } catch (err) {
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      throw err;
    } finally {
      clearImmediate(guard);
    }
  };
  const result = sqliteQueue.then(run, run);
  sqliteQueue = result.catch(() => undefined);
  return result;
}
