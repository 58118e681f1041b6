import { Readable } from "node:stream";
import { LENGTH_HEADER } from "./content-length";

/**
 * Serves one stored object over HTTP with single byte ranges (RFC 9110): 200 or 206 with
 * Content-Range, 416 for an unsatisfiable range, HEAD without a body, If-Range and conditional
 * requests on a strong ETag. Bytes are streamed, never loaded whole.
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

export function serveRanges(req: Request, src: RangeSource, extraHeaders: Record<string, string> = {}): Response {
  const headers = new Headers({
    "Accept-Ranges": "bytes",
    "Content-Type": src.contentType,
    ETag: src.etag,
    "Last-Modified": src.lastModified.toUTCString(),
    ...extraHeaders,
  });
  const ifNoneMatch = req.headers.get("if-none-match");
  if (ifNoneMatch && ifNoneMatch.split(",").some((t) => t.trim() === src.etag || t.trim() === "*")) {
    return new Response(null, { status: 304, headers });
  }
  const head = req.method === "HEAD";
  let range = null as ReturnType<typeof parseRange>;
  const rangeHeader = req.headers.get("range");
  const ifRange = req.headers.get("if-range");
  const rangeAllowed = !ifRange || ifRange === src.etag || (!ifRange.startsWith('"') && !ifRange.startsWith("W/") && new Date(ifRange).getTime() >= Math.floor(src.lastModified.getTime() / 1000) * 1000);
  if (rangeHeader && rangeAllowed) range = parseRange(rangeHeader, src.size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${src.size}`);
    return new Response(null, { status: 416, headers });
  }
  if (range) {
    headers.set("Content-Range", `bytes ${range.start}-${range.end}/${src.size}`);
    headers.set("Content-Length", String(range.end - range.start + 1));
    headers.set(LENGTH_HEADER, String(range.end - range.start + 1));
    const body = head ? null : (Readable.toWeb(src.open(range)) as ReadableStream);
    return new Response(body, { status: 206, headers });
  }
  headers.set("Content-Length", String(src.size));
  headers.set(LENGTH_HEADER, String(src.size));
  const body = head ? null : (Readable.toWeb(src.open()) as ReadableStream);
  return new Response(body, { status: 200, headers });
}
