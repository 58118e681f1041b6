import http from "node:http";
import { PEER_HEADER } from "./client-ip";

const installed = Symbol.for("podcastpro.peerAddress");

/**
 * Puts each request's TCP peer address in a header of ours (`PEER_HEADER`), overwriting one a
 * client sent, before Next.js sees the request: route handlers get no socket, and Next keeps a
 * client-sent X-Forwarded-For as it is, so without this a client could claim any address to
 * slip past per-address rate limits or pose as many listeners. Once per process.
 */
export function tagPeerAddress() {
  const proto = http.Server.prototype as http.Server & { [installed]?: true };
  if (proto[installed]) return;
  proto[installed] = true;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") tagPeer(args[0] as http.IncomingMessage);
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
}

/** Sets `PEER_HEADER` of one request to its connection's address (or removes a client's). */
export function tagPeer(req: http.IncomingMessage) {
  const address = req.socket?.remoteAddress;
  if (address) req.headers[PEER_HEADER] = address;
  else delete req.headers[PEER_HEADER];
}
