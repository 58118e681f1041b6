import "server-only";
import zlib from "node:zlib";
import { findRenamedPodcastSlug, getPublicFeedVersion, getPublicPodcast, keepPodcastGuid, listPublishedEpisodes, type PublicEpisode, type PublicPodcast } from "@/lib/data/public";
import { getSubscriberAccess, getSubscriberFeedContent, touchSubscriber, type SubscriberAccess } from "@/lib/data/subscriber-feed";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { buildFeed, feedEtag, feedGuid, lastModified, type FeedOptions } from "@/lib/feed";
import { ifNoneMatchHits } from "@/lib/http/ranges";
import { isHttpsRequest, resourceSecurityHeaders } from "@/lib/http/security-headers";
import { log } from "@/lib/log";
import { isLocalBase, publicBaseUrl } from "@/lib/urls";
import { webSubHubs } from "@/lib/websub";
import type { DeliveryAnswer, DeliveryRequest } from "./types";

/**
 * The RSS feed answer, shared by the Next route and `npm start`'s fast path. Podcast apps poll
 * feeds all day, mostly to hear 304: the ETag comes from the podcast row alone (its feed
 * version), and the built XML (and its gzip) is kept in memory under that version, so a 304 or
 * a repeated 200 costs one indexed query. Another instance's write changes the version in the
 * database, so no instance serves a stale feed.
 */

interface BuiltFeed {
  version: string;
  etag: string;
  lastModified: string;
  xml: Buffer;
  /** Compressed copies, made once (null while a large one is being made). */
  encoded: { gzip?: Buffer | null; deflate?: Buffer | null };
  /** Response headers, made once: per scheme (HSTS or not), and for a 200 per encoding. */
  headers: Map<string, Record<string, string>>;
  /** A subscriber's feed: no shared cache may keep it. */
  private: boolean;
}

// On globalThis: the route's bundle and instrumentation's (the fast path) share one cache.
const holder = globalThis as unknown as { __podcastproFeeds?: { built: Map<string, BuiltFeed>; building: Map<string, Promise<BuiltFeed>>; bytes: number } };
const cache = (holder.__podcastproFeeds ??= { built: new Map(), building: new Map(), bytes: 0 });
// Bounded by size: the plain XML counted (its compressed copies are a fraction of it).
const MAX_CACHED_BYTES = 64 * 1024 * 1024;

const CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=600";
const PRIVATE_CACHE_CONTROL = "private, max-age=300";

async function build(slug: string, base: string): Promise<BuiltFeed> {
  const podcast = await withKeptGuid(await getPublicPodcast(slug), base);
  const episodes = await listPublishedEpisodes(podcast.id);
  return built(podcast, episodes, base, { hubs: webSubHubs() }, podcast);
}

/**
 * The podcast with the podcast:guid it keeps for life, given it now if it has none yet. Not from
 * a feed read at localhost or a LAN address (a preview before the server has its public name):
 * every installation's "my-show" there would get the same GUID. Until then it is derived.
 */
async function withKeptGuid(podcast: PublicPodcast, base: string): Promise<PublicPodcast> {
  if (podcast.podcastGuid || isLocalBase(base)) return podcast;
  return { ...podcast, podcastGuid: await keepPodcastGuid(podcast.id, feedGuid(podcast, base)) };
}

/** A subscriber's feed: their own URLs throughout, supporter-only episodes included. */
async function buildForSubscriber(access: SubscriberAccess, token: string, base: string): Promise<BuiltFeed> {
  const content = await getSubscriberFeedContent(access);
  const podcast = await withKeptGuid(content.podcast, base);
  const episodes = content.episodes;
  // The version read with the token: content read later is at least as new, and the next
  // request after a change sees another version and builds again.
  return built(podcast, episodes, base, { subscriber: { token, publicPages: access.publicPages } }, subscriberEtagKey(access));
}

const subscriberEtagKey = (access: SubscriberAccess) => ({ id: `${access.podcastId}|subscriber|${access.tokenKey}`, feedVersion: access.feedVersion });

function built(podcast: PublicPodcast, episodes: PublicEpisode[], base: string, options: FeedOptions, etagOf: { id: string; feedVersion: string }): BuiltFeed {
  const xml = Buffer.from(buildFeed(podcast, episodes, base, options));
  const feed: BuiltFeed = { version: etagOf.feedVersion, etag: feedEtag(etagOf, base, options), lastModified: lastModified(podcast, episodes).toUTCString(), xml, encoded: {}, headers: new Map(), private: !!options.subscriber };
  encodedBody(feed, "gzip"); // most apps ask for it
  return feed;
}

// Compressing a small feed takes well under a millisecond; a large one (1,000 episodes: a
// megabyte or more) is compressed off the event loop, and sent plain until it is ready.
const COMPRESS_INLINE = 64 * 1024;

/** The feed in `encoding`, compressed once per version rather than by Next on every 200; null while not ready. */
function encodedBody(feed: BuiltFeed, encoding: "gzip" | "deflate"): Buffer | null {
  const done = feed.encoded[encoding];
  if (done !== undefined) return done;
  const zip = encoding === "gzip" ? zlib.gzip : zlib.deflate;
  if (feed.xml.length <= COMPRESS_INLINE) return (feed.encoded[encoding] = (encoding === "gzip" ? zlib.gzipSync : zlib.deflateSync)(feed.xml));
  feed.encoded[encoding] = null;
  zip(feed.xml, (err, out) => {
    if (err) log.error("could not compress a feed", { err });
    feed.encoded[encoding] = err ? undefined : out;
  });
  return null;
}

/** The headers of a 304 (`body` null) or of a 200 with this body, made once per feed version. */
function feedHeaders(feed: BuiltFeed, https: boolean, body: { encoding: string; length: number } | null): Record<string, string> {
  const key = body ? `${https}|${body.encoding}|${body.length}` : String(https);
  let headers = feed.headers.get(key);
  if (!headers) {
    headers = {
      ETag: feed.etag,
      "Last-Modified": feed.lastModified,
      "Cache-Control": feed.private ? PRIVATE_CACHE_CONTROL : CACHE_CONTROL,
      Vary: "Accept-Encoding",
      ...resourceSecurityHeaders({ https, embeddable: true }),
    };
    if (body) {
      headers["Content-Type"] = "application/rss+xml; charset=utf-8";
      if (body.encoding !== "identity") headers["Content-Encoding"] = body.encoding;
      headers["Content-Length"] = String(body.length);
    }
    feed.headers.set(key, headers);
  }
  return headers;
}

/** The built feed of this version, from memory or built once however many ask at the same time. */
async function builtFeed(cacheKey: string, version: string, make: () => Promise<BuiltFeed>): Promise<BuiltFeed> {
  const key = cacheKey;
  const hit = cache.built.get(key);
  if (hit && hit.version === version) return hit;
  const buildKey = `${key}|${version}`;
  let pending = cache.building.get(buildKey);
  if (!pending) {
    pending = make().finally(() => cache.building.delete(buildKey));
    cache.building.set(buildKey, pending);
  }
  const feed = await pending;
  const old = cache.built.get(key);
  if (old !== feed) {
    if (old) {
      cache.built.delete(key);
      cache.bytes -= old.xml.length;
    }
    cache.built.set(key, feed); // last: the map's order is least recently built first
    cache.bytes += feed.xml.length;
    for (const [k, f] of cache.built) {
      if (cache.bytes <= MAX_CACHED_BYTES || k === key) break;
      cache.built.delete(k);
      cache.bytes -= f.xml.length;
    }
  }
  return feed;
}

// Below this Next's compression (and so this) sends a body as it is.
const COMPRESS_THRESHOLD = 1024;

/**
 * The encoding to send, as Next's compression middleware (negotiator) picks it: the acceptable
 * one of gzip, deflate and identity with the highest q-value (`*` stands for any not named;
 * ties go to the one named first), then gzip whenever deflate won but gzip is acceptable.
 */
export function chooseEncoding(acceptEncoding: string | null | undefined): "gzip" | "deflate" | "identity" {
  if (!acceptEncoding) return "identity";
  const named = new Map<string, { q: number; at: number }>();
  acceptEncoding.split(",").forEach((part, at) => {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const m = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    if (name) named.set(name === "x-gzip" ? "gzip" : name, { q: m ? Number(m[1]) : 1, at });
  });
  const rank = (e: string) => named.get(e) ?? named.get("*") ?? { q: e === "identity" ? 1 : 0, at: Infinity };
  let best: "gzip" | "deflate" | "identity" | null = null;
  for (const e of ["gzip", "deflate", "identity"] as const) {
    const r = rank(e);
    if (r.q <= 0) continue;
    const b = best && rank(best);
    if (!b || r.q > b.q || (r.q === b.q && r.at < b.at)) best = e;
  }
  if (best === "deflate" && rank("gzip").q > 0) best = "gzip";
  return best ?? "identity";
}

/** The base URL a delivery request was made to (PUBLIC_URL when set), as publicBaseUrl reads it. */
function requestBase(req: DeliveryRequest): string {
  return publicBaseUrl({ headers: { get: (name) => req.header(name) ?? null }, url: `${req.protocol}://localhost/` });
}

/** A plain-text answer (404, 500) with the same security headers. */
export function textAnswer(status: number, message: string, security: Record<string, string>): DeliveryAnswer {
  const body = Buffer.from(message);
  // Vary: as Next's compression says of any text, though these are too short to compress.
  return { status, headers: { ...security, "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(body.length), Vary: "Accept-Encoding" }, body };
}

/**
 * The answer to GET or HEAD of /p/<slug>/feed.xml. `precompressed`: send the cached gzip or
 * deflate the client accepts (the fast path); without it the server compresses (Next, a CDN).
 */
export async function answerFeed(slug: string, req: DeliveryRequest, opts: { precompressed?: boolean } = {}): Promise<DeliveryAnswer> {
  const https = isHttpsRequest(req.header("x-forwarded-proto"), getEnv().PUBLIC_URL);
  try {
    const podcast = await getPublicFeedVersion(slug);
    // The show moved to another host: a permanent redirect is how podcast apps learn the new feed.
    if (podcast.movedToFeedUrl) {
      return { status: 301, headers: { Location: podcast.movedToFeedUrl, "Cache-Control": "public, max-age=300", ...resourceSecurityHeaders({ https, embeddable: true }) } };
    }
    const base = requestBase(req);
    const feed = await builtFeed(`${podcast.id}|${base}`, podcast.feedVersion, () => build(slug, base));
    return feedAnswer(feed, req, https, opts);
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") {
      const moved = await renamedShowRedirect(req, slug, "/feed.xml", resourceSecurityHeaders({ https, embeddable: true }));
      if (moved) return moved;
    }
    return feedError(err, https);
  }
}

/**
 * A renamed show's former URL (`/p/<former slug><rest>`): 301 to the same path under its current
 * slug, as podcast apps learn a feed's new address; null when the slug was never a public show's.
 */
export async function renamedShowRedirect(req: DeliveryRequest, formerSlug: string, rest: string, security: Record<string, string>): Promise<DeliveryAnswer | null> {
  let current: string | null;
  try {
    current = await findRenamedPodcastSlug(formerSlug);
  } catch (err) {
    log.error("looking up a renamed show failed", { err });
    return null;
  }
  if (!current) return null;
  const base = requestBase(req);
  return { status: 301, headers: { ...security, Location: `${base}/p/${current}${rest}`, "Cache-Control": "public, max-age=300" } };
}

/**
 * The answer to GET or HEAD of a subscriber's /s/<token>/feed.xml: the token is checked on every
 * request (a revoked or rotated one is a 404 at once); the XML is cached per token and feed
 * version like the public feed's. The fetch is noted as the subscriber's last visit.
 */
export async function answerSubscriberFeed(token: string, req: DeliveryRequest, opts: { precompressed?: boolean } = {}): Promise<DeliveryAnswer> {
  const https = isHttpsRequest(req.header("x-forwarded-proto"), getEnv().PUBLIC_URL);
  try {
    const access = await getSubscriberAccess(token);
    await touchSubscriber(access.subscriberId);
    const base = requestBase(req);
    const feed = await builtFeed(`subscriber|${access.tokenKey}|${base}`, access.feedVersion, () => buildForSubscriber(access, token, base));
    return feedAnswer(feed, req, https, opts);
  } catch (err) {
    return feedError(err, https);
  }
}

function feedAnswer(feed: BuiltFeed, req: DeliveryRequest, https: boolean, opts: { precompressed?: boolean }): DeliveryAnswer {
  const inm = req.header("if-none-match");
  const ims = req.header("if-modified-since");
  const fresh = inm
    ? ifNoneMatchHits(inm, feed.etag)
    : !!ims && !Number.isNaN(Date.parse(ims)) && Date.parse(feed.lastModified) <= Date.parse(ims);
  if (fresh) return { status: 304, headers: feedHeaders(feed, https, null) };
  // Never for HEAD, as Next's compression: the length is the plain body's.
  const compress = opts.precompressed && req.method !== "HEAD" && feed.xml.length >= COMPRESS_THRESHOLD;
  const encoding = compress ? chooseEncoding(req.header("accept-encoding")) : "identity";
  const encoded = encoding === "identity" ? null : encodedBody(feed, encoding);
  const body = encoded ?? feed.xml;
  const headers = feedHeaders(feed, https, { encoding: encoded ? encoding : "identity", length: body.length });
  return { status: 200, headers, body: req.method === "HEAD" ? null : body };
}

function feedError(err: unknown, https: boolean): DeliveryAnswer {
  const security = resourceSecurityHeaders({ https, embeddable: true });
  if (isAppError(err) && err.code === "not_found") return textAnswer(404, "No such podcast.", security);
  log.error("generating a feed failed", { err });
  return textAnswer(500, "The feed could not be generated.", security);
}
