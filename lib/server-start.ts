import { migrateDatabase } from "@/db/migrate";
import { configureAuthEnvironment, getAuthSecret, getEnv } from "@/lib/env";
import { sweepDirectUploads } from "@/lib/data/direct-uploads";
import { sweepWorkDirs } from "@/lib/data/processing";
import { startJobs } from "@/lib/jobs/start";
import { log, setLogLevel } from "@/lib/log";
import { sweepUploadParts } from "@/lib/uploads/receive";

/** Start-up work of the Node server: validate config, migrate, start the job runner. */
export async function startServer() {
  const env = getEnv();
  setLogLevel(env.LOG_LEVEL);
  getAuthSecret();
  configureAuthEnvironment();
  await migrateDatabase();
  log.info("database ready", { database: env.DATABASE_URL ? "postgres" : "sqlite", dataDir: env.dataDir });
  await startJobs();
  const swept = await sweepWorkDirs();
  if (swept) log.info("removed stale processing work folders", { count: swept });
  const parts = await sweepUploadParts();
  if (parts) log.info("removed stale upload parts", { count: parts });
  // Direct uploads a closed tab never finished: aborted once their day is over, so their parts
  // stop costing storage (hourly; every instance may do it, aborting twice is harmless).
  const sweepDirect = () =>
    sweepDirectUploads().then(
      (count) => count && log.info("aborted stale direct uploads", { count }),
      (err: unknown) => log.warn("sweeping direct uploads failed", { err }),
    );
  void sweepDirect();
  setInterval(() => void sweepDirect(), 3600_000).unref();
}
