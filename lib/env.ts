import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import os from "node:os";
import { z } from "zod";
import { log } from "@/lib/log";

/**
 * The only module that reads process.env. Every variable is validated once, on first use,
 * and a bad value fails with the variable's name.
 */
const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .pipe(z.url().optional())
  .optional();

const optionalSecret = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

/** Half a cloud configuration would silently fall back to the embedded executor: refuse it. */
function checkInngestConfig(
  env: { INNGEST_DEV?: string; INNGEST_EVENT_KEY?: string; INNGEST_SIGNING_KEY?: string; INNGEST_BASE_URL?: string },
  ctx: z.RefinementCtx,
) {
  const dev = env.INNGEST_DEV !== undefined && !/^(0|false)$/i.test(env.INNGEST_DEV);
  if (dev) return;
  const need = (when: string, path: string) =>
    ctx.addIssue({ code: "custom", path: [path], message: `is required when ${when} is set` });
  if (env.INNGEST_SIGNING_KEY && !env.INNGEST_EVENT_KEY) need("INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY");
  if (env.INNGEST_EVENT_KEY && !env.INNGEST_SIGNING_KEY) need("INNGEST_EVENT_KEY", "INNGEST_SIGNING_KEY");
  if (env.INNGEST_BASE_URL && !env.INNGEST_SIGNING_KEY) need("INNGEST_BASE_URL", "INNGEST_SIGNING_KEY");
}

/** Hubs are told the feed's URL, which only PUBLIC_URL fixes (without it, URLs follow each request's host). */
function checkWebSubConfig(env: { WEBSUB_HUB_URL: string[]; PUBLIC_URL?: string }, ctx: z.RefinementCtx) {
  if (env.WEBSUB_HUB_URL.length > 0 && !env.PUBLIC_URL) {
    ctx.addIssue({ code: "custom", path: ["PUBLIC_URL"], message: "is required when WEBSUB_HUB_URL is set (hubs are told the feed's public URL)" });
  }
}

/** Object storage needs a bucket, and static credentials come in pairs. */
function checkStorageConfig(
  env: { STORAGE_DRIVER: string; S3_BUCKET?: string; S3_ACCESS_KEY_ID?: string; S3_SECRET_ACCESS_KEY?: string },
  ctx: z.RefinementCtx,
) {
  if (env.STORAGE_DRIVER !== "s3") return;
  const need = (when: string, path: string) =>
    ctx.addIssue({ code: "custom", path: [path], message: `is required when ${when}` });
  if (!env.S3_BUCKET) need("STORAGE_DRIVER is s3", "S3_BUCKET");
  if (env.S3_ACCESS_KEY_ID && !env.S3_SECRET_ACCESS_KEY) need("S3_ACCESS_KEY_ID is set", "S3_SECRET_ACCESS_KEY");
  if (env.S3_SECRET_ACCESS_KEY && !env.S3_ACCESS_KEY_ID) need("S3_SECRET_ACCESS_KEY is set", "S3_ACCESS_KEY_ID");
}

const optionalHttpUrl = optionalUrl.refine((v) => v === undefined || /^https?:\/\//i.test(v), {
  message: "must be an http:// or https:// URL",
});

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATA_DIR: z.string().trim().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      message: "must be a postgres:// or postgresql:// URL (leave unset for SQLite in DATA_DIR)",
    }),
  PUBLIC_URL: optionalUrl,
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  // Reverse proxies in front of the app whose X-Forwarded-For entries are believed (nginx: 1).
  // 0: the client's address is the connection's, whatever headers it sends (lib/http/client-ip.ts).
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  // `npm start` answers feeds and enclosures before Next's router (lib/delivery/fast-path.ts), with
  // the same responses; "off" leaves them to the Next routes (for comparing the two).
  DELIVERY_FAST_PATH: z.enum(["on", "off"]).default("on"),
  MAX_UPLOAD_BYTES: z.coerce.number().int().min(1024).default(2 * 1024 ** 3),
  // Hostile-input limits (lib/uploads, lib/data/media.ts, lib/media/inspect.ts): stored bytes per
  // user, decoded length of a recording, and the raw PCM a recording may decode to (32-bit float
  // samples × channels × rate × seconds), so a small file cannot expand into a disk-filling job.
  STORAGE_QUOTA_BYTES: z.coerce.number().int().min(0).default(20 * 1024 ** 3),
  MAX_AUDIO_SECONDS: z.coerce.number().positive().default(6 * 3600),
  MAX_DECODED_BYTES: z.coerce.number().int().min(1024).default(8 * 1024 ** 3),
  // Tests only: append one JSON line per spawned ffmpeg/ffprobe to this file (off when unset).
  PODCASTPRO_FFMPEG_LOG: z.string().trim().optional().transform((v) => (v ? v : undefined)),
  // Jobs: with an Inngest server configured (keys, or INNGEST_DEV) events go there; otherwise
  // the embedded executor runs them (see lib/jobs/).
  INNGEST_EVENT_KEY: optionalSecret,
  INNGEST_SIGNING_KEY: optionalSecret,
  INNGEST_SIGNING_KEY_FALLBACK: optionalSecret,
  INNGEST_BASE_URL: optionalUrl,
  INNGEST_DEV: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^(1|0|true|false)$/i.test(v) || URL.canParse(v), {
      message: "must be the dev server's URL (e.g. http://localhost:8288), or 1 / 0",
    }),
  // Media: the bundled ffmpeg/ffprobe unless these point at other binaries (see lib/media/ffmpeg.ts).
  FFMPEG_PATH: z.string().trim().optional().transform((v) => (v ? v : undefined)),
  FFPROBE_PATH: z.string().trim().optional().transform((v) => (v ? v : undefined)),
  EXECUTOR_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(os.availableParallelism()),
  // Media storage: local disk under DATA_DIR/media (the default) or S3-compatible object storage
  // (AWS S3, Cloudflare R2, MinIO…; see lib/storage/).
  STORAGE_DRIVER: z.enum(["local", "s3"], { message: "must be local or s3" }).default("local"),
  S3_BUCKET: optionalText,
  // AWS needs the bucket's region; R2 takes "auto"; MinIO accepts any.
  S3_REGION: optionalText.transform((v) => v ?? "us-east-1"),
  S3_ENDPOINT: optionalHttpUrl,
  S3_ACCESS_KEY_ID: optionalSecret,
  S3_SECRET_ACCESS_KEY: optionalSecret,
  S3_FORCE_PATH_STYLE: z
    .string()
    .trim()
    .default("false")
    .refine((v) => /^(1|0|true|false)?$/i.test(v), { message: "must be true or false" })
    .transform((v) => /^(1|true)$/i.test(v)),
  S3_PUBLIC_BASE_URL: optionalHttpUrl,
  // Fetching users' URLs (imports, redirect checks; lib/net/guarded-fetch.ts) refuses loopback,
  // private, link-local and metadata addresses unless this is true (tests, intranet installs).
  ALLOW_PRIVATE_NETWORK_FETCH: z
    .string()
    .trim()
    .default("false")
    .refine((v) => /^(1|0|true|false)?$/i.test(v), { message: "must be true or false" })
    .transform((v) => /^(1|true)$/i.test(v)),
  // WebSub hubs told of every feed change (comma-separated http(s) URLs; none by default).
  WEBSUB_HUB_URL: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean))
    .refine((hubs) => hubs.every((h) => URL.canParse(h) && /^https?:\/\//i.test(h)), { message: "must be http:// or https:// URLs, separated by commas" }),
}).superRefine(checkInngestConfig).superRefine(checkStorageConfig).superRefine(checkWebSubConfig);

export type Env = z.infer<typeof schema> & { dataDir: string };

let cached: Env | undefined;

function parseEnv(): Env {
  const source = {
    ...process.env,
    // next-auth's own name for the secret is accepted too.
    AUTH_SECRET: process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET || undefined,
  };
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return { ...result.data, dataDir: path.resolve(result.data.DATA_DIR) };
}

/** Validated configuration, parsed on first use. */
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}

/** For tests that change variables between cases. */
export function resetEnvForTests() {
  cached = undefined;
  secret = undefined;
}

let secret: string | undefined;

/**
 * The auth secret: AUTH_SECRET when set, otherwise one generated on first start and kept in
 * DATA_DIR so that sessions survive restarts.
 */
export function getAuthSecret(): string {
  if (secret) return secret;
  const env = getEnv();
  if (env.AUTH_SECRET) return (secret = env.AUTH_SECRET);
  const file = path.join(env.dataDir, "auth-secret");
  try {
    secret = fs.readFileSync(file, "utf8").trim();
    if (secret.length >= 32) return secret;
  } catch {
    // not created yet
  }
  fs.mkdirSync(env.dataDir, { recursive: true });
  secret = crypto.randomBytes(32).toString("base64url");
  try {
    fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    log.warn("AUTH_SECRET is not set: generated one. Set AUTH_SECRET in production.", { file });
  } catch {
    // Another process won the race: use its secret.
    secret = fs.readFileSync(file, "utf8").trim();
  }
  return secret;
}

/**
 * next-auth 4 reads its own variables: point it at PUBLIC_URL, or let it derive the origin from
 * the request (our default when PUBLIC_URL is unset).
 */
export function configureAuthEnvironment() {
  const env = getEnv();
  if (env.PUBLIC_URL) process.env.NEXTAUTH_URL ??= env.PUBLIC_URL;
  else process.env.AUTH_TRUST_HOST ??= "1";
}
