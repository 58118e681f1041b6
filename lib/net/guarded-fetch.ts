import crypto from "node:crypto";
import dns from "node:dns";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { formatBytes } from "@/lib/uploads/receive";
import { blockedAddressReason } from "./addresses";

/**
 * The one way the server fetches a URL a user gave it (feed imports, their enclosures, covers,
 * transcripts and chapters, redirect checks). Only http and https; every host is resolved once,
 * each answer is checked (loopback, private, link-local, metadata, multicast and unspecified
 * addresses are refused unless ALLOW_PRIVATE_NETWORK_FETCH), and the socket connects to the
 * address that was checked — node's own `lookup` hook — so DNS cannot rebind between check and
 * connect, while Host and TLS SNI keep the name. Redirects are followed by hand (each hop checked
 * again), with limits on hops, time and bytes. Failures are AppErrors with plain messages.
 */

export const ALLOWED_SCHEMES = ["http:", "https:"] as const;
export const MAX_REDIRECTS = 5;
export const DEFAULT_TIMEOUT_MS = 30_000;
const USER_AGENT = "PodcastPro-Importer/1.0 (+https://github.com/podcastpro)";

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

export interface GuardedFetchOptions {
  method?: "GET" | "HEAD";
  /** Largest body read; past it the fetch fails with too_large. */
  maxBytes: number;
  /** Message for a body past `maxBytes` (default: names the limit). */
  tooLargeMessage?: string;
  /** Follow up to MAX_REDIRECTS redirects (default), or return the first answer as it is. */
  followRedirects?: boolean;
  /** For headers and for each silence while the body streams. */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Tests: another DNS (e.g. one that answers a public and a private address). */
  resolver?: Resolver;
  /** Overrides ALLOW_PRIVATE_NETWORK_FETCH (tests of the refusal itself). */
  allowPrivateNetwork?: boolean;
  /** Tests: these exact addresses pass even with the rules on (a loopback test server). */
  exemptAddresses?: string[];
  signal?: AbortSignal;
}

export interface GuardedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The URL that answered (after redirects). */
  url: string;
  /** Every URL requested, the first one included. */
  chain: string[];
  /** The body, cut at maxBytes (the stream errors with too_large). Consume or destroy it. */
  body: Readable;
}

/** Why a fetch failed, in a code a caller can branch on; the message is for people. */
export type FetchFailure = "scheme" | "address" | "dns" | "redirects" | "timeout" | "too_large" | "network" | "status";

function fail(reason: FetchFailure, message: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError(reason === "too_large" ? "too_large" : "invalid", message, { details: { fetch: reason, ...extra } });
}

/** The fetch failure code of an error thrown here, if it is one. */
export function fetchFailure(err: unknown): FetchFailure | undefined {
  return err instanceof AppError ? (err.details?.fetch as FetchFailure | undefined) : undefined;
}

/**
 * Parses and checks a URL a user typed: absolute, http or https, no credentials in it. Throws
 * invalid (422) naming the allowed schemes.
 */
export function checkFetchUrl(raw: string, field = "url"): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    const message = "Enter a full address starting with https:// or http://.";
    throw new AppError("invalid", message, { fields: { [field]: message }, details: { fetch: "scheme" } });
  }
  if (!(ALLOWED_SCHEMES as readonly string[]).includes(url.protocol)) {
    const message = `Only http and https addresses can be fetched, not ${url.protocol.replace(/:$/, "")}.`;
    throw new AppError("invalid", message, { fields: { [field]: message }, details: { fetch: "scheme" } });
  }
  if (url.username || url.password) {
    const message = "Addresses with a user name or password in them are not fetched.";
    throw new AppError("invalid", message, { fields: { [field]: message }, details: { fetch: "scheme" } });
  }
  return url;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

function refuseAddress(host: string, address: string, why: string): AppError {
  const shown = host === address ? address : `${host} (${address})`;
  return fail("address", `Refused to fetch from ${shown}: it is ${why}, not a public internet address.`, { address });
}

/**
 * A `lookup` for http.request: resolves once, refuses the whole answer if any address in it is
 * not public (a name that mixes public and private answers is an attack or a misconfiguration
 * either way), and hands the socket exactly the addresses it checked.
 */
export function guardedLookup(resolver: Resolver, allowPrivate: boolean, exempt: readonly string[] = []): net.LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    resolver(hostname).then(
      (answers) => {
        if (answers.length === 0) return callback(fail("dns", `The name ${hostname} does not resolve to any address.`));
        if (!allowPrivate) {
          for (const a of answers) {
            const why = exempt.includes(a.address) ? null : blockedAddressReason(a.address);
            if (why) return callback(refuseAddress(hostname, a.address, why));
          }
        }
        const wanted = options.family === 4 || options.family === 6 ? answers.filter((a) => a.family === options.family) : answers;
        const list = wanted.length ? wanted : answers;
        if (options.all) callback(null, list);
        else callback(null, list[0]!.address, list[0]!.family);
      },
      (err: NodeJS.ErrnoException) =>
        callback(fail("dns", `The name ${hostname} could not be found (${err.code ?? "DNS error"}). Check the address.`)),
    );
  }) as net.LookupFunction;
}

/** One request, no redirects followed. Resolves with the response once headers arrive. */
function requestOnce(url: URL, opts: GuardedFetchOptions, allowPrivate: boolean): Promise<http.IncomingMessage> {
  const host = hostOf(url);
  // An IP literal never reaches `lookup`: check it here.
  if (net.isIP(host) && !allowPrivate && !opts.exemptAddresses?.includes(host)) {
    const why = blockedAddressReason(host);
    if (why) return Promise.reject(refuseAddress(host, host, why));
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, {
      method: opts.method ?? "GET",
      lookup: guardedLookup(opts.resolver ?? systemResolver, allowPrivate, opts.exemptAddresses),
      // No pooled sockets: each connection is made (and its address checked) for this request.
      agent: false,
      headers: { "user-agent": USER_AGENT, accept: "*/*", "accept-encoding": "identity", ...opts.headers },
      signal: opts.signal,
    });
    const timer = setTimeout(() => {
      req.destroy(fail("timeout", `${url.host} did not answer within ${Math.round(timeoutMs / 1000)} seconds.`));
    }, timeoutMs);
    req.on("response", (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err instanceof AppError ? err : fail("network", `Could not reach ${url.host}: ${plainNetworkError(err)}.`));
    });
    req.end();
  });
}

function plainNetworkError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "ECONNREFUSED":
      return "the connection was refused";
    case "ECONNRESET":
      return "the connection was reset";
    case "ETIMEDOUT":
      return "the connection timed out";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "the host is unreachable";
    default:
      if (err.code?.startsWith("ERR_TLS") || /certificate/i.test(err.message)) return "its TLS certificate is not valid";
      return err.code ?? "network error";
  }
}

/** Cuts a body at `max` bytes and errors on silence longer than `idleMs`. */
function limited(res: http.IncomingMessage, max: number, message: string, idleMs: number, host: string): Readable {
  let seen = 0;
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > max) return cb(fail("too_large", message, { limitBytes: max }));
      cb(null, chunk);
    },
  });
  res.setTimeout(idleMs, () => res.destroy(fail("timeout", `${host} stopped sending data for ${Math.round(idleMs / 1000)} seconds.`)));
  res.on("error", (err) => out.destroy(err instanceof AppError ? err : fail("network", `The download from ${host} broke off.`)));
  out.on("close", () => {
    if (!res.complete) res.destroy();
  });
  return res.pipe(out);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches `raw` under the rules above and returns the final answer with its body stream (any
 * status: the caller decides what a 404 means). Throws AppError with `details.fetch` set.
 */
export async function guardedFetch(raw: string, opts: GuardedFetchOptions): Promise<GuardedResponse> {
  const allowPrivate = opts.allowPrivateNetwork ?? getEnv().ALLOW_PRIVATE_NETWORK_FETCH;
  let url = checkFetchUrl(raw);
  const chain = [url.toString()];
  for (let hop = 0; ; hop++) {
    const res = await requestOnce(url, opts, allowPrivate);
    const location = res.headers.location;
    if (opts.followRedirects !== false && REDIRECTS.has(res.statusCode ?? 0) && location) {
      res.resume();
      if (hop >= MAX_REDIRECTS) {
        throw fail("redirects", `The address redirected more than ${MAX_REDIRECTS} times; giving up at ${url.host}.`, { chain });
      }
      let next: URL;
      try {
        next = checkFetchUrl(new URL(location, url).toString());
      } catch (err) {
        throw fail("scheme", `${url.host} redirected to an address that cannot be fetched: ${(err as Error).message}`);
      }
      url = next;
      chain.push(url.toString());
      continue;
    }
    const max = opts.maxBytes;
    const message = opts.tooLargeMessage ?? `The file at ${url.host} is larger than the limit of ${formatBytes(max)}.`;
    const declared = Number(res.headers["content-length"]);
    if (Number.isFinite(declared) && declared > max && (opts.method ?? "GET") === "GET") {
      res.destroy();
      throw fail("too_large", message, { limitBytes: max });
    }
    return {
      status: res.statusCode ?? 0,
      headers: res.headers,
      url: url.toString(),
      chain,
      body: limited(res, max, message, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, url.host),
    };
  }
}

function statusFailure(res: GuardedResponse, what: string): AppError {
  res.body.destroy();
  const blame = res.status >= 500 ? "the other server failed" : "the other server says it is not there or not allowed";
  return fail("status", `Fetching ${what} failed: ${new URL(res.url).host} answered HTTP ${res.status} (${blame}).`, { status: res.status });
}

/** A 2xx body as a Buffer, or AppError. */
export async function fetchBuffer(raw: string, opts: GuardedFetchOptions & { what?: string }): Promise<{ body: Buffer; url: string; contentType: string | null }> {
  const res = await guardedFetch(raw, opts);
  if (res.status < 200 || res.status > 299) throw statusFailure(res, opts.what ?? "the address");
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  return { body: Buffer.concat(chunks), url: res.url, contentType: (res.headers["content-type"] as string | undefined) ?? null };
}

/** Streams a 2xx body to `file` while hashing it. */
export async function fetchToFile(
  raw: string,
  file: string,
  opts: GuardedFetchOptions & { what?: string },
): Promise<{ sizeBytes: number; sha256: string; url: string; chain: string[]; contentType: string | null }> {
  const res = await guardedFetch(raw, opts);
  if (res.status < 200 || res.status > 299) throw statusFailure(res, opts.what ?? "the file");
  const hash = crypto.createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await pipeline(res.body, tap, fs.createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    await fs.promises.rm(file, { force: true });
    throw err instanceof AppError ? err : fail("network", `The download from ${new URL(res.url).host} broke off.`);
  }
  return { sizeBytes: size, sha256: hash.digest("hex"), url: res.url, chain: res.chain, contentType: (res.headers["content-type"] as string | undefined) ?? null };
}
