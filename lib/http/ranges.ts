import type { Readable } from "node:stream";
import { LENGTH_HEADER } from "./content-length";
import { webBody } from "./web-body";

/**
 * Serves one stored object over HTTP with single byte ranges (RFC 9110): 200 or 206 with
 * Content-Range, 416 for an unsatisfiable range, HEAD without a body, If-Range (strong
 * comparison) and If-None-Match (weak) on a strong ETag. Bytes are streamed, never loaded whole.
 */
export interface RangeSource {
  size: number;
  etag: string; // quoted strong validator
  lastModified: Date;
  contentType: string;
  open(range?: { start: number; end: number }): Readable;
}

export function parseRange(header: string, size: number): { start: number; end: number } | "unsatisfiable" | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null; // not a single range we understand: send it all
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== "" && Number(m[2]) < start) return null;
  }
  if (start >= size || size === 0) return "unsatisfiable";
  return { start, end };
}

/**
 * Whether an If-None-Match header names this ETag. The comparison is weak (RFC 9110 13.1.2):
 * `W/"x"` matches `"x"`, since a proxy or CDN that compresses a response (Cloudflare, nginx's
 * gzip) turns its strong ETag weak and clients send back what they were given.
 */
export function ifNoneMatchHits(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((t) => t.trim() === "*" || opaque(t) === opaque(etag));
}

/** What to answer a request for a stored object: status, headers and the bytes to send, if any. */
export interface RangePlan {
  status: 200 | 206 | 304 | 416;
  headers: Record<string, string>;
  /** The bytes to send: a range, the whole object (null) — or nothing (HEAD, 304, 416). */
  send: { range: { start: number; end: number } | null } | null;
}

/**
 * The one range implementation, without a body: the Next route (`serveRanges`) and the fast path
 * of `npm start` (lib/delivery/fast-path.ts) both send what it decides. `header` reads a request
 * header (lower-case name); `Content-Length` is in the headers when a body or HEAD goes out.
 */
export function planRanges(
  method: string,
  header: (name: string) => string | null | undefined,
  src: Pick<RangeSource, "size" | "etag" | "lastModified" | "contentType">,
  extraHeaders: Record<string, string> = {},
): RangePlan {
  const headers: Record<string, string> = {
    "Accept-Ranges": "bytes",
    "Content-Type": src.contentType,
    ETag: src.etag,
    "Last-Modified": src.lastModified.toUTCString(),
    ...extraHeaders,
  };
  if (ifNoneMatchHits(header("if-none-match"), src.etag)) {
    return { status: 304, headers, send: null };
  }
  const head = method === "HEAD";
  let range = null as ReturnType<typeof parseRange>;
  const rangeHeader = header("range");
  const ifRange = header("if-range");
  const rangeAllowed = !ifRange || ifRange === src.etag || (!ifRange.startsWith('"') && !ifRange.startsWith("W/") && new Date(ifRange).getTime() >= Math.floor(src.lastModified.getTime() / 1000) * 1000);
  if (rangeHeader && rangeAllowed) range = parseRange(rangeHeader, src.size);
  if (range === "unsatisfiable") {
    headers["Content-Range"] = `bytes */${src.size}`;
    return { status: 416, headers, send: null };
  }
  if (range) {
    headers["Content-Range"] = `bytes ${range.start}-${range.end}/${src.size}`;
    headers["Content-Length"] = String(range.end - range.start + 1);
    return { status: 206, headers, send: head ? null : { range } };
  }
  headers["Content-Length"] = String(src.size);
  return { status: 200, headers, send: head ? null : { range: null } };
}

/** `planRanges` as a web Response (route handlers), its Content-Length kept through Next. */
export function serveRanges(req: Request, src: RangeSource, extraHeaders: Record<string, string> = {}): Response {
  const plan = planRanges(req.method, (name) => req.headers.get(name), src, extraHeaders);
  const headers = new Headers(plan.headers);
  const length = plan.headers["Content-Length"];
  if (length !== undefined) headers.set(LENGTH_HEADER, length);
  const send = plan.send;
  const body = send ? webBody(() => src.open(send.range ?? undefined)) : null;
  return new Response(body, { status: plan.status, headers });
}
