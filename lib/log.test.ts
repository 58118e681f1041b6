import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { POST as createUser } from "@/app/api/v1/users/route";
import { GET as listTokens, POST as createToken } from "@/app/api/v1/tokens/route";
import { GET as me } from "@/app/api/v1/me/route";
import { db, tables } from "@/db";
import { errorResponse } from "@/lib/api/respond";
import { getAuthOptions } from "@/lib/auth/options";
import { captureLogs, log, withLogContext } from "@/lib/log";
import { call } from "@/tests/api-client";

let capture: ReturnType<typeof captureLogs> | undefined;
afterEach(() => capture?.restore());

describe("structured logs", () => {
  it("writes JSON lines with time, level, msg, the context's ids and the fields; errors and credentials are made safe", () => {
    capture = captureLogs();
    withLogContext({ runId: "run-1" }, () => log.child({ component: "jobs" }).error("step failed", { err: new Error("boom"), password: "hunter2", step: "x" }));
    const [record] = capture.records();
    expect(record).toMatchObject({ level: "error", msg: "step failed", runId: "run-1", component: "jobs", step: "x", password: "[redacted]" });
    expect(new Date(record!.time as string).getTime()).not.toBeNaN();
    expect(record!.err).toMatchObject({ name: "Error", message: "boom" });
  });

  it("logs one line per API request with method, path, status, ms and the request id it echoes in X-Request-Id", async () => {
    capture = captureLogs();
    const res = await call(me, { path: "/api/v1/me?secret=query", headers: { "x-request-id": "req-from-proxy-1" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-request-id")).toBe("req-from-proxy-1");
    const line = capture.records().find((r) => r.msg === "request");
    expect(line).toMatchObject({ method: "GET", path: "/api/v1/me", status: 401, requestId: "req-from-proxy-1" });
    expect(typeof line!.ms).toBe("number");
    expect(JSON.stringify(line)).not.toContain("secret=query");

    const fresh = await call(me, { path: "/api/v1/me", headers: { "x-request-id": "bad id with spaces" } });
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("an unexpected error is logged with the request id, and answered as a generic 500", async () => {
    capture = captureLogs();
    const res = withLogContext({ requestId: "r-500" }, () => errorResponse(new Error("db exploded")));
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("exploded");
    expect(capture.records()).toContainEqual(expect.objectContaining({ level: "error", requestId: "r-500", err: expect.objectContaining({ message: "db exploded" }) }));
  });

  it("no line written during sign-up, token creation, token use and failed sign-ins holds a password, token or hash", async () => {
    capture = captureLogs();
    const email = `logs-${Date.now()}@example.com`;
    const password = "very secret pass phrase 1";
    const wrong = "wrong pass phrase typed 2";
    expect((await call(createUser, { method: "POST", path: "/api/v1/users", json: { name: "Logs", email, password } })).status).toBe(201);
    const created = await call(createToken, { method: "POST", path: "/api/v1/tokens", json: { email, password, name: "cli" } });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect((await call(listTokens, { path: "/api/v1/tokens", token })).status).toBe(200);
    expect((await call(me, { path: "/api/v1/me", token: `${token}x` })).status).toBe(401);
    expect((await call(createToken, { method: "POST", path: "/api/v1/tokens", json: { email, password: wrong } })).status).toBe(401);
    // The dashboard's sign-in: next-auth's credentials provider, with a wrong and a right password.
    const provider = getAuthOptions().providers[0] as unknown as {
      options: { authorize: (c: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown> };
    };
    const req = { headers: { "x-forwarded-for": "203.0.113.9" } };
    expect(await provider.options.authorize({ email, password: wrong }, req)).toBeNull();
    expect(await provider.options.authorize({ email, password }, req)).toMatchObject({ email });

    const [user] = await db.select().from(tables.users).where(eq(tables.users.email, email));
    const [tokenRow] = await db.select().from(tables.apiTokens).where(eq(tables.apiTokens.userId, user!.id));
    const lines = capture.lines.join("\n");
    expect(capture.lines.length).toBeGreaterThanOrEqual(5); // the request lines at least
    for (const secret of [password, wrong, token, user!.passwordHash, tokenRow!.tokenHash]) {
      expect(lines).not.toContain(secret);
    }
    for (const record of capture.records()) expect(record).toHaveProperty("time");
  });
});
