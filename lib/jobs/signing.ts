import crypto from "node:crypto";

/**
 * Request signing exactly as an Inngest server does it, so the SDK's serve handler can run in
 * non-dev mode and refuse every call that does not come from the executor: HMAC-SHA256 over
 * the canonical JSON body (RFC 8785) followed by the Unix time, keyed with the signing key
 * minus its `signkey-<env>-` prefix, sent as `x-inngest-signature: t=<time>&s=<hex>`.
 */

/** JSON with object keys sorted at every level (what the SDK's `canonicalize` produces). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object" || typeof (value as { toJSON?: unknown }).toJSON === "function") {
    const text = JSON.stringify(value);
    return text === undefined ? "null" : text;
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined || typeof v === "function" || typeof v === "symbol" ? "null" : canonicalJson(v))).join(",")}]`;
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(",")}}`;
}

/** A fresh signing key for this process, in Inngest's format. */
export function generateSigningKey(): string {
  return `signkey-embedded-${crypto.randomBytes(32).toString("hex")}`;
}

/** The `x-inngest-signature` header for `body` (already canonical JSON). */
export function signBody(body: string, signingKey: string, now = Date.now()): string {
  const ts = Math.round(now / 1000).toString();
  const key = signingKey.replace(/^signkey-[\w]+-/, "");
  const s = crypto.createHmac("sha256", key).update(body + ts).digest("hex");
  return `t=${ts}&s=${s}`;
}
