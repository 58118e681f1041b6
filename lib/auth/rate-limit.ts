import "server-only";
import crypto from "node:crypto";
import { getEnv } from "@/lib/env";
import { clientIp as addressOf } from "@/lib/http/client-ip";
import { clearRateLimit, hitRateLimit, peekRateLimit } from "@/lib/data/rate-limits";
import { AppError } from "@/lib/errors";

/**
 * Rate limits on everything that checks a password or creates an account. Counters live in the
 * database (table rate_limits), so they hold across restarts and across instances sharing one
 * PostgreSQL. The policy, in one place:
 *
 * - Credentials (sign-in, POST /api/v1/tokens, password change) count FAILURES only:
 *   10 per account (e-mail) and 30 per IP address in 15 minutes (a password change, made while
 *   signed in, counts per account only). Once either is reached, further
 *   attempts are refused before the password is checked, with the same answer whether or not the
 *   e-mail has an account. A successful sign-in clears its account's count.
 * - Sign-up (POST /api/v1/users and the sign-up form) counts EVERY attempt: 20 per IP address
 *   in an hour and 5 per e-mail in an hour (this also slows down probing for taken e-mails).
 *
 * The IP address is `clientIp()` below: the connection's peer, or behind TRUST_PROXY_HOPS trusted
 * reverse proxies the X-Forwarded-For entry they appended, never what the client claims
 * (lib/http/client-ip.ts). Without any address (in-process tests) only the per-account limits apply.
 */
export const RATE_LIMITS = {
  credentialsAccount: { prefix: "cred-account", max: 10, windowMs: 15 * 60_000 },
  credentialsIp: { prefix: "cred-ip", max: 30, windowMs: 15 * 60_000 },
  signUpIp: { prefix: "signup-ip", max: 20, windowMs: 60 * 60_000 },
  signUpAccount: { prefix: "signup-account", max: 5, windowMs: 60 * 60_000 },
} as const;

type Limit = (typeof RATE_LIMITS)[keyof typeof RATE_LIMITS];

/** The prefix of every rate-limit message, so the sign-in form can tell it from a wrong password. */
export const RATE_LIMIT_MESSAGE_PREFIX = "Too many attempts.";

/** The client's address for per-address limits (lib/http/client-ip.ts, with TRUST_PROXY_HOPS). */
export const clientIp = (headers: Parameters<typeof addressOf>[0]) => addressOf(headers, getEnv().TRUST_PROXY_HOPS);

// E-mails are hashed in keys: the table needs no personal data to count.
const keyOf = (limit: Limit, value: string) =>
  `${limit.prefix}:${crypto.createHash("sha256").update(value.trim().toLowerCase()).digest("base64url").slice(0, 32)}`;

function rateLimited(resetAt: number, now = Date.now()): AppError {
  const retryAfter = Math.max(1, Math.ceil((resetAt - now) / 1000));
  const minutes = Math.ceil(retryAfter / 60);
  return new AppError(
    "rate_limited",
    `${RATE_LIMIT_MESSAGE_PREFIX} Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    { details: { retryAfter } },
  );
}

function keysFor(who: { account: string; ip: string | null }, account: Limit, ip: Limit) {
  const keys: { limit: Limit; key: string }[] = [{ limit: account, key: keyOf(account, who.account) }];
  if (who.ip) keys.push({ limit: ip, key: keyOf(ip, who.ip) });
  return keys;
}

/**
 * Runs a password check under the credentials limits: refused with `rate_limited` (before
 * checking anything) once the account or the address has too many recent failures; a failure
 * (null) is counted against both; a success clears the account's count.
 */
export async function withCredentialsLimit<T>(
  who: { account: string; ip: string | null },
  check: () => Promise<T | null>,
): Promise<T | null> {
  const keys = keysFor(who, RATE_LIMITS.credentialsAccount, RATE_LIMITS.credentialsIp);
  for (const { limit, key } of keys) {
    const { count, resetAt } = await peekRateLimit(key);
    if (count >= limit.max) throw rateLimited(resetAt);
  }
  const result = await check();
  if (result === null) {
    for (const { limit, key } of keys) await hitRateLimit(key, limit.windowMs);
  } else {
    await clearRateLimit(keys[0]!.key);
  }
  return result;
}

/** Counts a sign-up attempt; `rate_limited` once the address or the e-mail has made too many. */
export async function limitSignUp(who: { email: string; ip: string | null }): Promise<void> {
  for (const { limit, key } of keysFor({ account: who.email, ip: who.ip }, RATE_LIMITS.signUpAccount, RATE_LIMITS.signUpIp)) {
    const { count, resetAt } = await hitRateLimit(key, limit.windowMs);
    if (count > limit.max) throw rateLimited(resetAt);
  }
}
