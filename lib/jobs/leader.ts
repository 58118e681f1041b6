import os from "node:os";
import type pg from "pg";

/**
 * Which process runs the embedded executor's queue loop when several app instances share one
 * database. On SQLite there is one machine and one process: it always leads. On PostgreSQL the
 * leader holds a session-level advisory lock on a connection of its own; the lock lives exactly
 * as long as that connection, so when the leader's process dies PostgreSQL drops it and a
 * standby, trying every few seconds, takes over.
 */
export interface Leadership {
  readonly role: "single" | "leader" | "standby";
  /** True while this process may work the queue; a standby tries to become leader (throttled). */
  hold(): Promise<boolean>;
  /** Gives leadership up (closing the lock's connection). */
  release(): Promise<void>;
}

export const singleLeadership = (): Leadership => ({
  role: "single",
  hold: async () => true,
  release: async () => undefined,
});

/** The advisory lock key; 723402 is the claim lock in queue.ts. */
export const LEADER_LOCK_KEY = 723403;

// Types only: the pool itself comes from db/index.ts, the one place that opens connections.
type Pool = pg.Pool;
type PoolClient = pg.PoolClient;

export interface AdvisoryLeadershipOptions {
  /** How often a standby tries to take the lock. */
  retryMs?: number;
  /** How often the leader checks its lock connection still answers. */
  checkMs?: number;
  onChange?: (role: "leader" | "standby", reason?: unknown) => void;
}

export class AdvisoryLockLeadership implements Leadership {
  private client: PoolClient | undefined;
  private lastTry = 0;
  private checkedAt = 0;
  private readonly retryMs: number;
  private readonly checkMs: number;

  constructor(
    private readonly pool: Pool,
    private readonly opts: AdvisoryLeadershipOptions = {},
  ) {
    this.retryMs = opts.retryMs ?? 2000;
    this.checkMs = opts.checkMs ?? 5000;
  }

  get role() {
    return this.client ? ("leader" as const) : ("standby" as const);
  }

  async hold(): Promise<boolean> {
    if (this.client) {
      if (Date.now() - this.checkedAt < this.checkMs) return true;
      try {
        await timeout(this.client.query("select 1"), this.checkMs, "the leader lock connection");
        this.checkedAt = Date.now();
        return true;
      } catch (err) {
        this.drop(err);
        return false;
      }
    }
    if (Date.now() - this.lastTry < this.retryMs) return false;
    this.lastTry = Date.now();
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ ok: boolean }>("select pg_try_advisory_lock($1) as ok", [LEADER_LOCK_KEY]);
      if (!rows[0]?.ok) {
        client.release();
        return false;
      }
      // Shown in pg_stat_activity: which process is the leader.
      await client.query("select set_config('application_name', $1, false)", [`podcastpro executor leader ${os.hostname()} pid ${process.pid}`]);
    } catch (err) {
      client.release(true);
      throw err;
    }
    // A checked-out client with no 'error' listener would crash the process on a broken socket.
    client.on("error", (err) => this.drop(err));
    this.client = client;
    this.checkedAt = Date.now();
    this.opts.onChange?.("leader");
    return true;
  }

  async release() {
    this.drop();
  }

  /** Closes the lock's connection (never returned to the pool), which releases the lock. */
  private drop(reason?: unknown) {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    this.lastTry = Date.now();
    try {
      client.release(true);
    } catch {
      // already released
    }
    if (reason !== undefined) this.opts.onChange?.("standby", reason);
  }
}

function timeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, t]).finally(() => clearTimeout(timer));
}
