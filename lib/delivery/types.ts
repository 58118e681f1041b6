import type { Readable } from "node:stream";

/**
 * The public hot paths (feed, enclosure) answer plain objects, so that the Next routes (as web
 * Responses, lib/delivery/web.ts) and `npm start`'s fast path (straight to Node's response,
 * lib/delivery/fast-path.ts) send exactly the same thing from one implementation.
 */
export interface DeliveryRequest {
  method: string;
  /** A request header by lower-case name. */
  header(name: string): string | null | undefined;
  /** The scheme the connection came in with (used when PUBLIC_URL is unset and no proxy says). */
  protocol: "http" | "https";
}

export interface DeliveryAnswer {
  status: number;
  /** Content-Length included whenever the length is known. */
  headers: Record<string, string>;
  /** A body in memory, or null. */
  body?: Buffer | null;
  /** Or a stream of stored bytes, told how many bytes went out once it ends, fails or is cut off. */
  stream?: { open(): Readable; sent(bytes: number): void };
}

/** Headers as `DeliveryRequest.header` reads them, from a web Request. */
export function fromWebRequest(req: Request): DeliveryRequest {
  return {
    method: req.method,
    header: (name) => req.headers.get(name),
    protocol: req.url.startsWith("https:") ? "https" : "http",
  };
}
