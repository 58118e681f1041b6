import { getEnv } from "@/lib/env";
import { blockedAddressReason } from "@/lib/net/addresses";

/**
 * Public URLs of podcasts and episodes. Absolute URLs come from PUBLIC_URL, or from the request
 * (X-Forwarded-Proto/Host behind a proxy) when it is unset.
 */
export function publicBaseUrl(req?: Request | { headers: Pick<Headers, "get">; url?: string }): string {
  const configured = getEnv().PUBLIC_URL;
  if (configured) return configured.replace(/\/+$/, "");
  if (!req) return `http://localhost:${getEnv().PORT}`;
  const h = req.headers;
  const host = h.get("x-forwarded-host")?.split(",")[0]?.trim() || h.get("host") || `localhost:${getEnv().PORT}`;
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() || (req.url ? new URL(req.url).protocol.replace(":", "") : "http");
  return `${proto}://${host}`;
}

/**
 * Whether a base URL is this machine or its local network (localhost, *.localhost, *.local, a
 * loopback, private or link-local address): what a server is reached at before it has its public
 * name, and what many installations share, so nothing lasting is derived from it.
 */
export function isLocalBase(base: string): boolean {
  let host: string;
  try {
    host = new URL(base).hostname.toLowerCase().replace(/^\[|\]$/g, "");
  } catch {
    return true;
  }
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local")) return true;
  const reason = blockedAddressReason(host);
  return reason !== null && reason !== "not an IP address";
}

const ext = (mimeType: string) => (mimeType === "image/png" ? "png" : "jpg");

export const urls = {
  /** The page where an invitee accepts an invitation to a show's team. */
  invitation: (base: string, token: string) => `${base}/invite/${encodeURIComponent(token)}`,
  podcast: (base: string, slug: string) => `${base}/p/${slug}`,
  feed: (base: string, slug: string) => `${base}/p/${slug}/feed.xml`,
  /** The cover, with the extension of its type (Apple checks). */
  cover: (base: string, slug: string, mimeType: string) => `${base}/p/${slug}/cover.${ext(mimeType)}`,
  episode: (base: string, slug: string, episodeSlug: string) => `${base}/p/${slug}/${episodeSlug}`,
  /** The compact player other sites may frame. */
  embed: (base: string, slug: string, episodeSlug: string) => `${base}/p/${slug}/${episodeSlug}/embed`,
  /** oEmbed discovery: the provider endpoint for one of our public pages. */
  oembed: (base: string, pageUrl: string) => `${base}/api/oembed?url=${encodeURIComponent(pageUrl)}&format=json`,
  /** The enclosure: stable for the episode's life (the GUID stays; the bytes may be re-mastered). */
  audio: (base: string, slug: string, episodeSlug: string) => `${base}/p/${slug}/${episodeSlug}/audio.mp3`,
  /** The Opus rendition (podcast:alternateEnclosure), stable like the enclosure. */
  opus: (base: string, slug: string, episodeSlug: string) => `${base}/p/${slug}/${episodeSlug}/audio.opus`,
  episodeCover: (base: string, slug: string, episodeSlug: string, mimeType: string) =>
    `${base}/p/${slug}/${episodeSlug}/cover.${ext(mimeType)}`,
  waveform: (base: string, slug: string, episodeSlug: string) => `${base}/p/${slug}/${episodeSlug}/waveform.json`,
  chapters: (base: string, slug: string, episodeSlug: string) => `${base}/p/${slug}/${episodeSlug}/chapters.json`,
  transcript: (base: string, slug: string, episodeSlug: string, format: "srt" | "vtt") =>
    `${base}/p/${slug}/${episodeSlug}/transcript.${format}`,
};

/**
 * A subscriber's own URLs (lib/data/subscriber-feed.ts): the feed and every file in it carry the
 * subscriber's token, so revoking or rotating it cuts off exactly that subscriber.
 */
export const subscriberUrls = {
  feed: (base: string, token: string) => `${base}/s/${token}/feed.xml`,
  cover: (base: string, token: string, mimeType: string) => `${base}/s/${token}/cover.${ext(mimeType)}`,
  audio: (base: string, token: string, episodeSlug: string) => `${base}/s/${token}/${episodeSlug}/audio.mp3`,
  opus: (base: string, token: string, episodeSlug: string) => `${base}/s/${token}/${episodeSlug}/audio.opus`,
  episodeCover: (base: string, token: string, episodeSlug: string, mimeType: string) => `${base}/s/${token}/${episodeSlug}/cover.${ext(mimeType)}`,
  chapters: (base: string, token: string, episodeSlug: string) => `${base}/s/${token}/${episodeSlug}/chapters.json`,
  transcript: (base: string, token: string, episodeSlug: string, format: "srt" | "vtt") => `${base}/s/${token}/${episodeSlug}/transcript.${format}`,
};
