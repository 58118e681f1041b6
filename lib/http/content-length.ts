import http from "node:http";

/**
 * Next.js (16.4) drops `Content-Length` from every route handler's response (send-response.js:
 * a body it decoded itself could not match it), so audio went out chunked and HEAD said no size.
 * Podcast apps and Apple's checks want the length, and byte-range answers must carry it. Routes
 * that stream a file of known size (lib/http/ranges.ts) also set this private header, and the
 * server turns it back into `Content-Length` as the head is written, unless the body is being
 * compressed (then the length would be wrong and the header is just dropped).
 */
export const LENGTH_HEADER = "x-podcastpro-content-length";

const installed = Symbol.for("podcastpro.contentLength");

/** Patches the Node server's response once per process (from instrumentation.ts). */
export function restoreContentLength() {
  const proto = http.ServerResponse.prototype as http.ServerResponse & { [installed]?: true };
  if (proto[installed]) return;
  proto[installed] = true;
  const writeHead = proto.writeHead as (this: http.ServerResponse, ...args: unknown[]) => http.ServerResponse;
  proto.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
    const length = this.getHeader(LENGTH_HEADER);
    if (length !== undefined) {
      this.removeHeader(LENGTH_HEADER);
      if (/^\d+$/.test(String(length)) && !this.hasHeader("content-encoding") && !this.hasHeader("content-length")) {
        this.setHeader("Content-Length", String(length));
      }
    }
    return writeHead.apply(this, args);
  } as typeof proto.writeHead;
}
