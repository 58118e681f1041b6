/**
 * One production server (scripts/start.mjs, as `npm start`) for the end-to-end tests;
 * playwright.config.ts starts one per database:
 *
 *   node --import tsx scripts/e2e-server.ts <sqlite|postgres|s3> <port>
 *
 * Each gets a fresh DATA_DIR under .test-data/ and, for PostgreSQL, a freshly created database
 * on TEST_DATABASE_URL's server; `s3` is SQLite with media in an S3-protocol server (s3rver) on
 * loopback, for direct uploads from the browser. All are removed when the server stops
 * (Playwright sends SIGTERM). A PostgreSQL that cannot be reached fails the run: the suite is never skipped.
 * The app migrates the database itself on start (instrumentation.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { startTestS3 } from "../lib/storage/s3-test-server";

const [database, portArg] = process.argv.slice(2);
const port = Number(portArg);
if (!["sqlite", "postgres", "s3"].includes(database ?? "") || !Number.isInteger(port) || port <= 0) {
  console.error("usage: node --import tsx scripts/e2e-server.ts <sqlite|postgres|s3> <port>");
  process.exit(2);
}

const root = path.resolve(__dirname, "..");
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const suffix = crypto.randomBytes(4).toString("hex");
const dataDir = path.join(root, ".test-data", `e2e-${database}-${suffix}`);
let pgDatabase: string | undefined;
let s3: Awaited<ReturnType<typeof startTestS3>> | undefined;
let server: ChildProcess | undefined;
let exiting = false;

function log(message: string) {
  console.error(`[e2e-server ${database}] ${message}`);
}

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function createDatabase(): Promise<string> {
  const name = `pp_e2e_${suffix}`;
  try {
    await admin(`create database ${name}`);
  } catch (err) {
    throw new Error(
      `PostgreSQL is needed for the postgres e2e project (${adminUrl}): ${(err as Error).message}. ` +
        "Start it, or set TEST_DATABASE_URL.",
    );
  }
  pgDatabase = name;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function cleanUp() {
  if (pgDatabase) {
    await admin(`drop database if exists ${pgDatabase} with (force)`).catch((err: Error) =>
      log(`could not drop database ${pgDatabase}: ${err.message}`),
    );
  }
  await s3?.close().catch((err: Error) => log(`could not stop the S3 server: ${err.message}`));
  fs.rmSync(dataDir, { recursive: true, force: true });
}

async function exit(code: number) {
  if (exiting) return;
  exiting = true;
  // A signal during set-up: let it finish, so that the database it creates is dropped too.
  await setup.catch(() => undefined);
  if (server && server.exitCode === null && server.signalCode === null) {
    const stopped = new Promise((resolve) => server!.once("exit", resolve));
    server.kill("SIGTERM");
    const timer = setTimeout(() => server!.kill("SIGKILL"), 5000);
    await stopped;
    clearTimeout(timer);
  }
  await cleanUp();
  process.exit(code);
}

async function main() {
  fs.mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    // The tests stand in for a reverse proxy: each test user comes from an address of its own,
    // given as X-Forwarded-For (sign-up is rate limited per address).
    TRUST_PROXY_HOPS: "1",
    // Imports in e2e/import.spec.ts fetch from an old host the test runs on 127.0.0.1.
    ALLOW_PRIVATE_NETWORK_FETCH: "true",
  };
  // Nothing from the caller's own setup may leak into the test server.
  for (const name of Object.keys(env)) {
    if (/^(DATABASE_URL|AUTH_SECRET|AUTH_TRUST_HOST|NEXTAUTH_.*|INNGEST_.*|STORAGE_DRIVER|S3_.*)$/.test(name)) delete env[name];
  }
  if (database === "postgres") env.DATABASE_URL = await createDatabase();
  if (database === "s3") {
    s3 = await startTestS3();
    Object.assign(env, {
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    });
  }
  if (exiting) return;

  server = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], {
    cwd: root,
    env,
    stdio: "inherit",
  });
  server.once("exit", (code, signal) => {
    if (!exiting) log(`the server exited (${signal ?? `code ${code}`})`);
    void exit(code ?? 1);
  });
}

const setup = main();
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.on(signal, () => void exit(0));
}
setup.catch(async (err: unknown) => {
  log(err instanceof Error ? err.message : String(err));
  await exit(1);
});
