import crypto from "node:crypto";
import { test as base, expect, type APIRequestContext } from "@playwright/test";
import { LandingPage } from "./pages/landing-page";

/** A user created through the REST API, with a bearer token for it. */
export interface ApiUser {
  id: string;
  name: string;
  email: string;
  password: string;
  token: string;
}

export interface NewUser {
  name?: string;
  email?: string;
  password?: string;
}

/** An e-mail address no other test (or earlier run on the same database) uses. */
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${Date.now().toString(36)}-${crypto.randomBytes(3).toString("hex")}@example.test`;
}

/** `Authorization` header for a bearer token, for `request.get(url, { headers })`. */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** Signs a user up with `POST /api/v1/users` and gets a token with `POST /api/v1/tokens`. */
export async function createApiUser(request: APIRequestContext, input: NewUser = {}): Promise<ApiUser> {
  const name = input.name ?? "Test User";
  const email = input.email ?? uniqueEmail();
  const password = input.password ?? `pw-${crypto.randomBytes(8).toString("hex")}`;
  // Each test user "comes from" its own address: sign-up is rate limited per address (20 an
  // hour, lib/auth/rate-limit.ts) and a run creates more users than that from 127.0.0.1.
  const headers = { "x-forwarded-for": `198.18.${crypto.randomInt(256)}.${crypto.randomInt(256)}` };
  const signUp = await request.post("/api/v1/users", { data: { name, email, password }, headers });
  expect(signUp.status(), await signUp.text()).toBe(201);
  const { id } = (await signUp.json()) as { id: string };
  const tokens = await request.post("/api/v1/tokens", { data: { email, password }, headers });
  expect(tokens.status(), await tokens.text()).toBe(201);
  const { token } = (await tokens.json()) as { token: string };
  return { id, name, email, password, token };
}

interface Fixtures {
  /** Creates another user (and token) through the API; call it as often as a test needs. */
  createUser: (input?: NewUser) => Promise<ApiUser>;
  /** A fresh user with a token, created through the API for this test. */
  user: ApiUser;
  landingPage: LandingPage;
}

export const test = base.extend<Fixtures>({
  createUser: async ({ request }, use) => {
    await use((input) => createApiUser(request, input));
  },
  user: async ({ createUser }, use) => {
    await use(await createUser());
  },
  landingPage: async ({ page }, use) => {
    await use(new LandingPage(page));
  },
});

export { expect };
