import type { ClientOptions } from "inngest";
import { getEnv } from "@/lib/env";
import { embeddedFetch } from "./embedded-fetch";
import { generateSigningKey } from "./signing";

/**
 * Which Inngest runs the jobs: an Inngest server (Cloud or self-hosted, with keys), a dev
 * server (INNGEST_DEV), or — with none configured — the executor embedded in this process.
 */
export type JobsMode =
  | { kind: "cloud"; eventKey: string; signingKey: string; signingKeyFallback?: string; baseUrl?: string }
  | { kind: "dev"; baseUrl?: string }
  | { kind: "embedded"; signingKey: string };

// One key per process, shared by every copy of this module (Next.js bundles the
// instrumentation hook and the route handlers separately).
const holder = globalThis as unknown as { __podcastproEmbeddedSigningKey?: string };

/** The signing key the embedded executor and the embedded serve handler share. */
export function embeddedSigningKey(): string {
  holder.__podcastproEmbeddedSigningKey ??= generateSigningKey();
  return holder.__podcastproEmbeddedSigningKey;
}

export function jobsMode(): JobsMode {
  const env = getEnv();
  const dev = env.INNGEST_DEV;
  if (dev !== undefined && !/^(0|false)$/i.test(dev)) {
    return { kind: "dev", baseUrl: /^(1|true)$/i.test(dev) ? undefined : dev };
  }
  if (env.INNGEST_EVENT_KEY && env.INNGEST_SIGNING_KEY) {
    return {
      kind: "cloud",
      eventKey: env.INNGEST_EVENT_KEY,
      signingKey: env.INNGEST_SIGNING_KEY,
      signingKeyFallback: env.INNGEST_SIGNING_KEY_FALLBACK,
      baseUrl: env.INNGEST_BASE_URL,
    };
  }
  return { kind: "embedded", signingKey: embeddedSigningKey() };
}

/** Base URL the embedded client "sends" events to; embeddedFetch answers it in-process. */
export const EMBEDDED_EVENT_URL = "http://embedded.podcastpro.invalid/";

/**
 * Client options for the mode. Explicit values win over the INNGEST_* variables the SDK would
 * read itself, so the SDK never second-guesses lib/env.ts. In embedded mode the client is in
 * "cloud" mode (signatures required) with this process's key, and sends events to the
 * executor's tables through a custom fetch.
 */
export function inngestClientOptions(mode: JobsMode = jobsMode()): Partial<ClientOptions> {
  switch (mode.kind) {
    case "cloud":
      return {
        isDev: false,
        eventKey: mode.eventKey,
        signingKey: mode.signingKey,
        signingKeyFallback: mode.signingKeyFallback,
        ...(mode.baseUrl ? { baseUrl: mode.baseUrl } : {}),
      };
    case "dev":
      return { isDev: true, ...(mode.baseUrl ? { baseUrl: mode.baseUrl } : {}) };
    case "embedded":
      return {
        isDev: false,
        signingKey: mode.signingKey,
        eventKey: "embedded",
        baseUrl: EMBEDDED_EVENT_URL,
        fetch: embeddedFetch as typeof fetch,
      };
  }
}
