import http from "node:http";
import type { TLSSocket } from "node:tls";
import { tagPeer } from "@/lib/http/peer-address";
import { log } from "@/lib/log";
import { answerAudio, answerSubscriberAudio } from "./audio";
import { answerFeed, answerSubscriberFeed } from "./feed";
import type { DeliveryAnswer, DeliveryRequest } from "./types";

/**
 * `npm start`'s fast path: GET and HEAD of /p/<slug>/feed.xml and /p/<slug>/<episode>/audio.{mp3,opus}
 * are answered from the Node server's 'request' event, before Next's router, proxy and route
 * runtime — which cost a feed 304 some 20 ms of a core. The answers come from the same code as
 * the Next routes (lib/delivery/feed.ts, audio.ts), which stay for other hosts (Vercel) and
 * give identical responses (tests/delivery-fast-path.test.ts compares them). Installed from
 * instrumentation.ts, like lib/http/content-length.ts; DELIVERY_FAST_PATH=off leaves it out.
 */
const FEED = /^\/p\/([^/?#]+)\/feed\.xml(?:\?|$)/;
const AUDIO = /^\/p\/([^/?#]+)\/([^/?#]+)\/audio\.(mp3|opus)(?:\?|$)/;
// A subscriber's own feed and enclosures (/s/<token>/…): the same answers, token checked each time.
const SUBSCRIBER_FEED = /^\/s\/([^/?#]+)\/feed\.xml(?:\?|$)/;
const SUBSCRIBER_AUDIO = /^\/s\/([^/?#]+)\/([^/?#]+)\/audio\.(mp3|opus)(?:\?|$)/;

const installed = Symbol.for("podcastpro.deliveryFastPath");

// Next adds its router's request headers to Vary on every app route's response (base-server's
// setVaryHeader); sent the same here, so that a cache sees one resource whichever path answered.
const NEXT_VARY = "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch";

/** Patches the Node server's request dispatch once per process. */
export function installDeliveryFastPath() {
  const proto = http.Server.prototype as http.Server & { [installed]?: true };
  if (proto[installed]) return;
  proto[installed] = true;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request" && handle(args[0] as http.IncomingMessage, args[1] as http.ServerResponse)) return true;
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
}

/** Takes the request if it is ours (true), else leaves it to Next (false). */
function handle(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const url = req.url ?? "";
  const first = url.charCodeAt(1);
  if ((first !== 112 /* p */ && first !== 115) /* s */ || url.charCodeAt(2) !== 47 /* / */) return false;
  let answer: Promise<DeliveryAnswer>;
  let m = FEED.exec(url);
  try {
    if (m) {
      answer = answerFeed(decodeURIComponent(m[1]!), deliveryRequest(req), { precompressed: true });
    } else if ((m = AUDIO.exec(url))) {
      answer = answerAudio(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), deliveryRequest(req), m[3] as "mp3" | "opus");
    } else if ((m = SUBSCRIBER_FEED.exec(url))) {
      answer = answerSubscriberFeed(decodeURIComponent(m[1]!), deliveryRequest(req), { precompressed: true });
    } else if ((m = SUBSCRIBER_AUDIO.exec(url))) {
      answer = answerSubscriberAudio(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), deliveryRequest(req), m[3] as "mp3" | "opus");
    } else {
      return false;
    }
  } catch {
    return false; // a malformed %-escape: Next answers it as it always has
  }
  answer.then(
    (a) => send(req, res, a),
    (err) => {
      log.error("answering a feed or enclosure failed", { err });
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end();
    },
  );
  return true;
}

function deliveryRequest(req: http.IncomingMessage): DeliveryRequest {
  tagPeer(req); // as for every request Next sees: analytics must get the real client address
  const headers = req.headers;
  const protocol = (req.socket as TLSSocket).encrypted ? "https" : "http";
  return {
    method: req.method!,
    header: (name) => {
      const v = headers[name];
      // What Next's base server fills in when no proxy sent it (x-forwarded-proto ??= …).
      if (v === undefined && name === "x-forwarded-proto") return protocol;
      return Array.isArray(v) ? v.join(", ") : v;
    },
    protocol,
  };
}

// Answers' header objects that are cached (a feed's) are merged with NEXT_VARY once.
const withNextVary = new WeakMap<Record<string, string>, Record<string, string>>();

function send(req: http.IncomingMessage, res: http.ServerResponse, answer: DeliveryAnswer) {
  let headers = withNextVary.get(answer.headers);
  if (!headers) {
    const vary = answer.headers.Vary;
    headers = { ...answer.headers, Vary: vary ? `${NEXT_VARY}, ${vary}` : NEXT_VARY };
    withNextVary.set(answer.headers, headers);
  }
  res.writeHead(answer.status, headers);
  if (!answer.stream) {
    res.end(req.method === "HEAD" ? undefined : (answer.body ?? undefined));
    return;
  }
  const { open, sent } = answer.stream;
  const file = open();
  let bytes = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    sent(bytes);
  };
  file.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
  });
  file.on("error", (err) => {
    log.error("reading a stored file failed", { err });
    res.destroy(err);
    finish();
  });
  // 'close' follows both the end of the response and a listener that went away.
  res.on("close", () => {
    file.destroy();
    finish();
  });
  file.pipe(res);
}
