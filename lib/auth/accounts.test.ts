import { encode, decode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import * as meRoute from "@/app/api/v1/me/route";
import * as passwordRoute from "@/app/api/v1/me/password/route";
import * as tokensRoute from "@/app/api/v1/tokens/route";
import * as usersRoute from "@/app/api/v1/users/route";
import { findSessionUser, signOutEverywhere, verifyCredentials } from "@/lib/data/users";
import { getAuthSecret } from "@/lib/env";
import { makeUser } from "@/tests/factories";
import { call } from "@/tests/api-client";
import { getAuthOptions } from "./options";
import { RATE_LIMITS } from "./rate-limit";

let n = 0;
const ip = () => `198.51.100.${++n % 250}, 10.0.0.${n % 250}`; // the last entry is what counts
const tokenFor = (email: string, password: string, headers?: Record<string, string>) =>
  call(tokensRoute.POST, { method: "POST", json: { email, password }, headers });

/** next-auth's own authorize() of the credentials provider, as the sign-in route calls it. */
function authorize(email: string, password: string, forwardedFor = "203.0.113.9") {
  const provider = getAuthOptions().providers[0] as unknown as {
    options: { authorize: (c: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown> };
  };
  return provider.options.authorize({ email, password }, { headers: { "x-forwarded-for": forwardedFor } });
}

/** A session cookie's JWT as next-auth issues it at sign-in, and what getSessionUser() checks. */
async function sessionJwt(email: string, password: string) {
  const user = (await authorize(email, password, `192.0.2.${++n % 250}`)) as { id: string; sv: number };
  const callbacks = getAuthOptions().callbacks!;
  const token = await callbacks.jwt!({ token: {}, user: user as never } as never);
  return encode({ token, secret: getAuthSecret() });
}
async function sessionStillValid(jwt: string) {
  const token = await decode({ token: jwt, secret: getAuthSecret() });
  return (await findSessionUser(token!.uid!, token!.sv!)) !== null;
}

describe("credentials rate limit (sign-in and token creation)", () => {
  it("refuses an account after 10 failures with 429 + Retry-After, the same for an unknown e-mail", async () => {
    const user = await makeUser();
    const unknown = `nobody-${Date.now()}@example.com`;
    for (let i = 0; i < RATE_LIMITS.credentialsAccount.max; i++) {
      expect((await tokenFor(user.email, "wrong password", { "x-forwarded-for": ip() })).status).toBe(401);
      expect((await tokenFor(unknown, "wrong password", { "x-forwarded-for": ip() })).status).toBe(401);
    }
    const known = await tokenFor(user.email, "wrong password", { "x-forwarded-for": ip() });
    const missing = await tokenFor(unknown, "wrong password", { "x-forwarded-for": ip() });
    expect(known.status).toBe(429);
    expect(missing.status).toBe(429);
    // The same answer (the seconds left may differ by one: each window started at its own first failure).
    const { retryAfter: knownWait, ...knownRest } = known.body.error;
    const { retryAfter: missingWait, ...missingRest } = missing.body.error;
    expect(knownRest).toEqual(missingRest);
    expect(Math.abs(knownWait - missingWait)).toBeLessThanOrEqual(1);
    expect(known.body.error.code).toBe("rate_limited");
    expect(Number(known.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(Number(known.headers.get("retry-after"))).toBeLessThanOrEqual(900);
    // The right password does not get through either (and so tells nothing) while locked.
    expect((await tokenFor(user.email, user.password, { "x-forwarded-for": ip() })).status).toBe(429);
    // Nor does sign-in, which shares the counter, and says so in a readable message.
    await expect(authorize(user.email, user.password)).rejects.toThrow(/^Too many attempts\. Try again in 15 minutes\.$/);
  });

  it("refuses an address after 30 failures, whatever the e-mail, and lets other addresses in", async () => {
    const user = await makeUser();
    const attacker = { "x-forwarded-for": "203.0.113.66" };
    for (let i = 0; i < RATE_LIMITS.credentialsIp.max; i++) {
      expect((await tokenFor(`spray-${i}@example.com`, "guess", attacker)).status).toBe(401);
    }
    const blocked = await tokenFor(user.email, user.password, attacker);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await tokenFor(user.email, user.password, { "x-forwarded-for": "203.0.113.67" })).status).toBe(201);
  });

  it("counts sign-in failures and clears an account's count on success", async () => {
    const user = await makeUser();
    for (let i = 0; i < RATE_LIMITS.credentialsAccount.max - 1; i++) {
      expect(await authorize(user.email, "wrong", `192.0.2.${i}`)).toBeNull();
    }
    expect(await authorize(user.email, user.password)).toMatchObject({ id: user.id });
    for (let i = 0; i < RATE_LIMITS.credentialsAccount.max - 1; i++) {
      expect(await authorize(user.email, "wrong", `192.0.2.${i}`)).toBeNull();
    }
    expect(await authorize(user.email, user.password)).toMatchObject({ id: user.id });
  });
});

describe("sign-up rate limit", () => {
  it("allows 5 attempts per e-mail an hour, then 429 with Retry-After", async () => {
    const email = `signup-${Date.now()}@example.com`;
    const attempt = () =>
      call(usersRoute.POST, { method: "POST", json: { name: "Eve", email, password: "long enough pw" }, headers: { "x-forwarded-for": ip() } });
    expect((await attempt()).status).toBe(201);
    for (let i = 1; i < RATE_LIMITS.signUpAccount.max; i++) expect((await attempt()).status).toBe(409);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(3000);
  });

  it("allows 20 sign-ups per address an hour", async () => {
    const from = { "x-forwarded-for": "203.0.113.200" };
    const attempt = (i: number) =>
      call(usersRoute.POST, { method: "POST", json: { name: "Bot", email: `bot-${i}-${Date.now()}@example.com`, password: "long enough pw" }, headers: from });
    for (let i = 0; i < RATE_LIMITS.signUpIp.max; i++) expect((await attempt(i)).status).toBe(201);
    expect((await attempt(99)).status).toBe(429);
  });
});

describe("password change and sign-out everywhere", () => {
  it("POST /me/password: old sessions and every token stop working, the new password works", async () => {
    const user = await makeUser();
    const jwt = await sessionJwt(user.email, user.password);
    const a = (await tokenFor(user.email, user.password, { "x-forwarded-for": ip() })).body.token as string;
    const b = (await tokenFor(user.email, user.password, { "x-forwarded-for": ip() })).body.token as string;
    expect(await sessionStillValid(jwt)).toBe(true);

    const wrong = await call(passwordRoute.POST, { method: "POST", token: a, json: { currentPassword: "nope", newPassword: "a brand new password" } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.fields.currentPassword).toMatch(/incorrect/);
    expect(await sessionStillValid(jwt)).toBe(true);

    const changed = await call(passwordRoute.POST, { method: "POST", token: a, json: { currentPassword: user.password, newPassword: "a brand new password" } });
    expect(changed.status).toBe(204);
    expect(await sessionStillValid(jwt)).toBe(false);
    expect((await call(meRoute.GET, { token: a })).status).toBe(401);
    expect((await call(meRoute.GET, { token: b })).status).toBe(401);
    expect(await verifyCredentials(user.email, user.password)).toBeNull();
    expect(await verifyCredentials(user.email, "a brand new password")).toMatchObject({ id: user.id });
    const fresh = await sessionJwt(user.email, "a brand new password");
    expect(await sessionStillValid(fresh)).toBe(true);
  });

  it("refuses a new password equal to the current one", async () => {
    const user = await makeUser();
    const token = (await tokenFor(user.email, user.password)).body.token as string;
    const same = await call(passwordRoute.POST, { method: "POST", token, json: { currentPassword: user.password, newPassword: user.password } });
    expect(same.status).toBe(422);
    expect(same.body.error.fields.newPassword).toBeDefined();
  });

  it("sign-out everywhere voids every session but keeps tokens", async () => {
    const user = await makeUser();
    const first = await sessionJwt(user.email, user.password);
    const second = await sessionJwt(user.email, user.password);
    const token = (await tokenFor(user.email, user.password)).body.token as string;
    await signOutEverywhere(user.viewer);
    expect(await sessionStillValid(first)).toBe(false);
    expect(await sessionStillValid(second)).toBe(false);
    expect((await call(meRoute.GET, { token })).status).toBe(200);
    expect(await sessionStillValid(await sessionJwt(user.email, user.password))).toBe(true);
  });
});
