import { getConnection, transactionScope, type Db, type TransactionScope } from "./index";

const AWAITED_OTHER_WORK =
  "A transaction body awaited something other than its own database calls (file, network or timer " +
  "I/O, or a query started outside the transaction); it was rolled back. Do that work before or " +
  "after transaction().";

/**
 * Runs `body` in one transaction on either database: committed when it resolves, rolled back
 * when it throws. Transactions do not nest: calling transaction() inside a body throws (pass
 * its `tx` down instead).
 *
 * On SQLite, drizzle's transaction wants a synchronous body (an async one throws *and keeps
 * its writes*), so this opens the transaction by hand on the single connection, one at a time.
 * While it is open, queries from outside the body's async context wait until it has ended
 * (db/index.ts), so another request's write is never committed or rolled back with it; queries
 * from the body (through `tx` or `db`) run at once. The body may await database calls
 * (better-sqlite3 answers them without giving up the event loop) but nothing else: a body that
 * is still running when the event loop turns is rolled back with an error at once, and its
 * queries until it returns fail (none of its writes is kept), so it holds up nobody for long
 * and cannot wait forever on a query that waits for it.
 */
export async function transaction<T>(body: (tx: Db) => Promise<T>): Promise<T> {
  const outer = transactionScope.getStore();
  if (outer?.abortedWith) throw outer.abortedWith;
  if (outer?.open) {
    throw new Error("transaction() was called inside a transaction body; transactions do not nest, so pass its tx down instead.");
  }
  const conn = getConnection();
  if (conn.dialect === "postgres") {
    const scope: TransactionScope = { open: true, ended: Promise.resolve() };
    const pgDb = conn.db as unknown as { transaction: (b: (tx: Db) => Promise<T>) => Promise<T> };
    try {
      return await pgDb.transaction((tx) => transactionScope.run(scope, () => body(tx)));
    } finally {
      scope.open = false;
    }
  }
  const sqlite = conn.sqlite!;
  const transactions = conn.sqliteTransactions!;
  const run = () =>
    new Promise<T>((resolve, reject) => {
      let release!: () => void;
      const scope: TransactionScope = { open: true, ended: new Promise<void>((r) => (release = r)) };
      const end = (failure: { error: unknown } | null, result?: T) => {
        if (!scope.open) return;
        scope.open = false;
        clearImmediate(guard);
        try {
          if (!failure) sqlite.exec("COMMIT");
        } catch (error) {
          failure = { error };
        }
        try {
          if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
        } catch (error) {
          failure ??= { error };
        }
        transactions.open = null;
        release();
        if (failure) reject(failure.error);
        else resolve(result as T);
      };
      const guard = setImmediate(() => {
        scope.abortedWith = new Error(AWAITED_OTHER_WORK);
        end({ error: scope.abortedWith });
      });
      try {
        sqlite.exec("BEGIN IMMEDIATE");
      } catch (error) {
        clearImmediate(guard);
        scope.open = false;
        release();
        reject(error);
        return;
      }
      transactions.open = scope;
      let pending: Promise<T>;
      try {
        pending = Promise.resolve(transactionScope.run(scope, () => body(conn.db)));
      } catch (error) {
        // A body that throws before its first await.
        end({ error });
        return;
      }
      void pending
        .then(
          (result) => end(null, result),
          (error: unknown) => end({ error }),
        )
        // Only the body's own late queries must fail: not those of timers it may have started.
        .finally(() => (scope.abortedWith = undefined));
    });
  const result = transactions.queue.then(run, run);
  transactions.queue = result.catch(() => undefined);
  return result;
}
