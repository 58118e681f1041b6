import { migrateDatabase } from "@/db/migrate";
import { configureAuthEnvironment, getAuthSecret, getEnv } from "@/lib/env";
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
  if (parts) console.log(`[podcastpro] removed ${parts} stale upload part(s)`);
}
