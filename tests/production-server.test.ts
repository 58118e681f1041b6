import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PEER_HEADER } from "@/lib/http/client-ip";
import { AppServer } from "@/tests/app-server";

/**
 * What only the production server (`npm start`'s; `npm run build` must have run) can show, not
 * the route handlers called in-process: the client address comes from the connection, whatever
 * X-Forwarded-For a client sends (no proxy trusted by default), so per-address rate limits hold.
 * Same database as the rest of this file's project (tests/setup-db.ts).
 */
const root = path.resolve(__dirname, "..");
let app: AppServer;

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, ".next", "standalone", "server.js"))) {
    throw new Error("tests/production-server.test.ts needs the production build: run `npm run build` first (npm test does).");
  }
  // Created here: tests/setup-db.ts sets this file's DATA_DIR and database in its own beforeAll.
  const dataDir = path.join(process.env.DATA_DIR!, "server");
  fs.mkdirSync(dataDir, { recursive: true });
  app = new AppServer("production", { dataDir, port: 31000 + Math.floor(Math.random() * 9000), databaseUrl: () => process.env.DATABASE_URL });
  await app.start();
}, 90_000);

afterAll(() => app?.kill("SIGKILL"), 30_000);

describe("the production server", () => {
  it("takes the client's address from the connection: a forged X-Forwarded-For does not escape the per-address limit", async () => {
    const attempt = (n: number) =>
      fetch(`${app.base}/api/v1/tokens`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          // A new address every time, and our own peer header forged too.
          "x-forwarded-for": `198.51.100.${n}`,
          [PEER_HEADER]: `203.0.113.${n}`,
        },
        // A new e-mail every time, so only the per-address limit (30 failures in 15 min) applies.
        body: JSON.stringify({ email: `nobody-${n}@example.com`, password: "not the password" }),
      });
    const statuses: number[] = [];
    for (let n = 1; n <= 31; n++) statuses.push((await attempt(n)).status);
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    const blocked = await attempt(32);
    expect(statuses[30]).toBe(429);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  }, 60_000);
});
