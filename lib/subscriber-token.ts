import crypto from "node:crypto";
import { getAuthSecret } from "@/lib/env";

/**
 * A subscriber's feed token: 256 random bits, base64url, the one secret in their feed URL.
 * Requests find the subscriber by its SHA-256 (`hashSubscriberToken`). The token itself is kept
 * sealed (AES-256-GCM under a key derived from the auth secret), so the owner can copy a
 * subscriber's URL again later while a copy of the database alone reveals no working URL.
 */
export const newSubscriberToken = () => crypto.randomBytes(32).toString("base64url");

export const hashSubscriberToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

/** Tokens look like this; anything else is not looked up at all. */
export const isSubscriberTokenShape = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

let key: { secret: string; key: Buffer } | undefined;
function sealingKey(): Buffer {
  const secret = getAuthSecret();
  if (key?.secret !== secret) key = { secret, key: Buffer.from(crypto.hkdfSync("sha256", secret, Buffer.alloc(0), "podcastpro subscriber feed token", 32)) };
  return key.key;
}

export function sealSubscriberToken(token: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", sealingKey(), iv);
  const data = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url");
}

/** The sealed token, or null when it cannot be opened (the auth secret changed: rotate for a new URL). */
export function openSubscriberToken(sealed: string): string | null {
  try {
    const raw = Buffer.from(sealed, "base64url");
    const decipher = crypto.createDecipheriv("aes-256-gcm", sealingKey(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
