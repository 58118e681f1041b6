import crypto from "node:crypto";
import type { PublicEpisode, PublicPodcast } from "@/lib/data/public";
import { notesText, renderNotes } from "@/lib/markdown";
import { subscriberUrls, urls } from "@/lib/urls";

const PODCAST_NAMESPACE_GUID = "ead4c236-bf58-58c6-a2c6-a6b28d128cb6";

/** RFC 9562 UUIDv5 of `name` in `namespace`. */
export function uuidv5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const hash = crypto.createHash("sha1").update(Buffer.concat([ns, Buffer.from(name, "utf8")])).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** podcast:guid: UUIDv5 of the feed URL without its scheme and trailing slashes (Podcasting 2.0). */
export function podcastGuid(feedUrl: string): string {
  return uuidv5(feedUrl.replace(/^[a-z]+:\/\//i, "").replace(/\/+$/, ""), PODCAST_NAMESPACE_GUID);
}

/**
 * XML text and attribute values, escaped. Characters XML 1.0 forbids (control characters, lone
 * surrogates) are dropped: one stray byte in a title must not make the whole feed unparseable.
 */
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const escText = (v: string) => v.replace(INVALID_XML, "").replace(/[&<>]/g, (c) => ESCAPES[c]!);
const escAttr = (v: string) => v.replace(INVALID_XML, "").replace(/[&<>"]/g, (c) => ESCAPES[c]!);
const cdata = (v: string) => `<![CDATA[${v.replace(INVALID_XML, "").replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;

/** `<name attrs>text</name>` (or `<name attrs/>` without content); `raw` is already XML (CDATA). */
function el(name: string, attrs: Record<string, string> | null, text?: string | null, raw?: string): string {
  let a = "";
  if (attrs) for (const k in attrs) a += ` ${k}="${escAttr(attrs[k]!)}"`;
  const body = raw ?? (text == null ? "" : escText(text));
  return body === "" ? `<${name}${a}/>` : `<${name}${a}>${body}</${name}>`;
}

/** Server configuration that shapes the feed (and so must be part of its ETag). */
export interface FeedOptions {
  /** WebSub hubs (WEBSUB_HUB_URL), announced with atom:link rel="hub". */
  hubs?: string[];
  /**
   * A subscriber's feed: every URL in it is theirs (lib/urls.ts `subscriberUrls`), it says
   * itunes:block, announces no hub and uses no analytics prefix (which would hand the token to
   * another service). Episode links point at public pages only where those exist.
   */
  subscriber?: { token: string; publicPages: boolean };
}

/** The URLs a feed links to: the public ones, or a subscriber's own. */
function feedLinks(base: string, slug: string, sub: FeedOptions["subscriber"]) {
  if (!sub) {
    return {
      feed: urls.feed(base, slug),
      cover: (mime: string) => urls.cover(base, slug, mime),
      audio: (e: string) => urls.audio(base, slug, e),
      opus: (e: string) => urls.opus(base, slug, e),
      episodeCover: (e: string, mime: string) => urls.episodeCover(base, slug, e, mime),
      transcript: (e: string, f: "srt" | "vtt") => urls.transcript(base, slug, e, f),
      chapters: (e: string) => urls.chapters(base, slug, e),
      page: (e: PublicEpisode): string | null => urls.episode(base, slug, e.slug),
    };
  }
  const t = sub.token;
  return {
    feed: subscriberUrls.feed(base, t),
    cover: (mime: string) => subscriberUrls.cover(base, t, mime),
    audio: (e: string) => subscriberUrls.audio(base, t, e),
    opus: (e: string) => subscriberUrls.opus(base, t, e),
    episodeCover: (e: string, mime: string) => subscriberUrls.episodeCover(base, t, e, mime),
    transcript: (e: string, f: "srt" | "vtt") => subscriberUrls.transcript(base, t, e, f),
    chapters: (e: string) => subscriberUrls.chapters(base, t, e),
    page: (e: PublicEpisode): string | null => (sub.publicPages && e.access === "public" ? urls.episode(base, slug, e.slug) : null),
  };
}

/**
 * The RSS 2.0 feed of a public podcast with the itunes, podcast (Podcasting 2.0), atom and
 * content namespaces. Written as text by `el()`, which escapes every value: a tree library
 * (xmlbuilder2) took over a second for 1,000 episodes, this takes milliseconds.
 */
export function buildFeed(podcast: PublicPodcast, episodes: PublicEpisode[], base: string, opts: FeedOptions = {}): string {
  const sub = opts.subscriber;
  const link = feedLinks(base, podcast.slug, sub);
  const feedUrl = link.feed;
  const siteUrl = podcast.website ?? (!sub || sub.publicPages ? urls.podcast(base, podcast.slug) : feedUrl);
  const coverUrl = podcast.cover ? link.cover(podcast.cover.mimeType) : null;
  const hubs = sub ? [] : (opts.hubs ?? []);
  const enclosurePrefix = sub ? null : podcast.enclosurePrefix;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
    "<channel>",
    el("atom:link", { href: feedUrl, rel: "self", type: "application/rss+xml" }),
    ...hubs.map((hub) => el("atom:link", { href: hub, rel: "hub" })),
    el("title", null, podcast.title),
    el("link", null, siteUrl),
    el("description", null, null, cdata(renderNotes(podcast.description) || podcast.title)),
    el("language", null, podcast.language),
  ];
  if (podcast.copyright) out.push(el("copyright", null, podcast.copyright));
  out.push(el("generator", null, "PodcastPro"), el("lastBuildDate", null, lastModified(podcast, episodes).toUTCString()));
  if (coverUrl) {
    out.push(el("itunes:image", { href: coverUrl }));
    out.push(el("image", null, null, el("url", null, coverUrl) + el("title", null, podcast.title) + el("link", null, siteUrl)));
  }
  out.push(el("itunes:author", null, podcast.author || podcast.ownerName || podcast.title));
  if (podcast.ownerName || podcast.ownerEmail) {
    const owner = (podcast.ownerName ? el("itunes:name", null, podcast.ownerName) : "") + (podcast.ownerEmail ? el("itunes:email", null, podcast.ownerEmail) : "");
    out.push(el("itunes:owner", null, null, owner));
  }
  if (podcast.category) {
    const sub = podcast.subcategory ? el("itunes:category", { text: podcast.subcategory }) : "";
    out.push(el("itunes:category", { text: podcast.category }, null, sub));
  }
  out.push(
    el("itunes:explicit", null, podcast.explicit ? "true" : "false"),
    el("itunes:type", null, podcast.type),
    el("itunes:summary", null, notesText(podcast.description, 4000) || podcast.title),
  );
  if (sub) out.push(el("itunes:block", null, "yes"));
  if (podcast.newFeedUrl && !sub) out.push(el("itunes:new-feed-url", null, podcast.newFeedUrl));
  out.push(
    el("podcast:guid", null, feedGuid(podcast, base)),
    el("podcast:locked", podcast.ownerEmail ? { owner: podcast.ownerEmail } : null, podcast.locked ? "yes" : "no"),
  );
  for (const f of podcast.funding) out.push(el("podcast:funding", { url: f.url }, f.label));
  for (const p of podcast.persons) out.push(person(p));
  if (podcast.location) {
    const { name, geo, osm } = podcast.location;
    out.push(el("podcast:location", { ...(geo ? { geo } : {}), ...(osm ? { osm } : {}) }, name));
  }
  for (const t of podcast.txt) out.push(el("podcast:txt", t.purpose ? { purpose: t.purpose } : null, t.value));
  if (podcast.podroll.length) {
    // feedGuid is required by the namespace (parsers drop items without it): derived from the
    // feed URL when only that is given, as podcast:guid itself is.
    const items = podcast.podroll.map((r) => el("podcast:remoteItem", { feedGuid: r.feedGuid ?? podcastGuid(r.feedUrl!), ...(r.feedUrl ? { feedUrl: r.feedUrl } : {}) }));
    out.push(el("podcast:podroll", null, null, items.join("")));
  }

  for (const e of episodes) {
    const notes = renderNotes(e.description);
    const enclosureUrl = withPrefix(enclosurePrefix, link.audio(e.slug));
    const item = [
      el("title", null, e.title),
      el("itunes:title", null, e.title),
      el("description", null, null, cdata(notes || e.title)),
    ];
    if (notes) item.push(el("content:encoded", null, null, cdata(notes)));
    const page = link.page(e);
    if (page) item.push(el("link", null, page));
    item.push(
      el("guid", { isPermaLink: "false" }, e.guid),
      el("pubDate", null, e.publishedAt.toUTCString()),
      el("enclosure", { url: enclosureUrl, length: String(e.audio.sizeBytes), type: enclosureType(e.audio.mimeType) }),
    );
    if (podcast.opusRendition && e.opus) {
      // Podcasting 2.0 renditions: the enclosure itself, marked default (the preferred file, the
      // same as <enclosure>), then the Opus file; both behind the analytics prefix.
      const opusUrl = withPrefix(enclosurePrefix, link.opus(e.slug));
      const seconds = e.durationSeconds ?? 0;
      item.push(
        el("podcast:alternateEnclosure", { type: enclosureType(e.audio.mimeType), length: String(e.audio.sizeBytes), title: e.audio.mimeType === "audio/mpeg" ? "MP3" : "AAC", default: "true" }, null, el("podcast:source", { uri: enclosureUrl })),
        el(
          "podcast:alternateEnclosure",
          {
            type: "audio/opus",
            length: String(e.opus.sizeBytes),
            // Bits per second (the namespace's unit), averaged over the file: Opus is VBR.
            ...(seconds > 0 ? { bitrate: String(Math.round((e.opus.sizeBytes * 8) / seconds)) } : {}),
            title: "Opus",
            codecs: "opus",
          },
          null,
          el("podcast:source", { uri: opusUrl }),
        ),
      );
    }
    if (e.durationSeconds != null) item.push(el("itunes:duration", null, String(Math.round(e.durationSeconds))));
    if (e.episodeNumber != null) item.push(el("itunes:episode", null, String(e.episodeNumber)));
    if (e.seasonNumber != null) item.push(el("itunes:season", null, String(e.seasonNumber)));
    item.push(el("itunes:episodeType", null, e.episodeType), el("itunes:explicit", null, e.explicit ? "true" : "false"));
    if (e.cover) item.push(el("itunes:image", { href: link.episodeCover(e.slug, e.cover.mimeType) }));
    if (e.transcriptFormat) {
      item.push(
        el("podcast:transcript", {
          url: link.transcript(e.slug, e.transcriptFormat),
          type: e.transcriptFormat === "srt" ? "application/x-subrip" : "text/vtt",
        }),
      );
    }
    if (e.chapters?.length) {
      item.push(el("podcast:chapters", { url: link.chapters(e.slug), type: "application/json+chapters" }));
    }
    for (const p of e.persons) item.push(person(p));
    for (const b of e.soundbites) item.push(el("podcast:soundbite", { startTime: String(b.startTime), duration: String(b.duration) }, b.title ?? ""));
    out.push(el("item", null, null, item.join("")));
  }
  out.push("</channel>", "</rss>");
  return out.join("");
}

/**
 * The show's podcast:guid: the one it keeps (an imported show's from its old host, or the one
 * its feed was first served with), else derived from the public feed's URL as the namespace
 * defines it. A subscriber's feed is the same show, so it carries the same GUID.
 */
export function feedGuid(podcast: Pick<PublicPodcast, "podcastGuid" | "slug">, base: string): string {
  return podcast.podcastGuid ?? podcastGuid(urls.feed(base, podcast.slug));
}

/** The enclosure's type: what the stored file is (imported AAC stays AAC), MP3 otherwise. */
function enclosureType(mimeType: string): string {
  if (mimeType === "audio/mp4") return "audio/x-m4a";
  if (mimeType === "audio/aac") return "audio/aac";
  return "audio/mpeg";
}

/**
 * An enclosure URL behind an analytics prefix, as OP3 and Podtrac expect it: the prefix, then
 * the URL without its scheme (`https://op3.dev/e/` + `host/p/show/ep/audio.mp3`). The prefix
 * service counts and redirects to our URL, where our own analytics count again.
 */
export function withPrefix(prefix: string | null, url: string): string {
  return prefix ? prefix + url.replace(/^https?:\/\//i, "") : url;
}

/** podcast:person, with the taxonomy's role and group in lower case as the namespace writes them. */
function person(p: { name: string; role: string; group: string; img?: string; href?: string }): string {
  return el("podcast:person", { role: p.role.toLowerCase(), group: p.group.toLowerCase(), ...(p.img ? { img: p.img } : {}), ...(p.href ? { href: p.href } : {}) }, p.name);
}

/** When the feed last changed: the podcast or any of its published episodes. */
export function lastModified(podcast: PublicPodcast, episodes: PublicEpisode[]): Date {
  let t = podcast.updatedAt.getTime();
  for (const e of episodes) t = Math.max(t, e.updatedAt.getTime(), e.publishedAt.getTime(), e.audio.createdAt.getTime());
  return new Date(Math.floor(t / 1000) * 1000);
}

// Part of every ETag: change it when the same data would make different XML (a new tag, say).
const FEED_FORMAT_VERSION = "4";

/**
 * A strong ETag for the feed, from the podcast row alone: its feed version changes with every
 * write that can alter the feed (lib/data/feed-version.ts), so a conditional request is answered
 * without reading a single episode, and the built XML can be cached under it.
 */
export function feedEtag(podcast: { id: string; feedVersion: string }, base: string, opts: FeedOptions = {}): string {
  const h = crypto.createHash("sha256");
  h.update(`${FEED_FORMAT_VERSION}|${base}|${podcast.id}|${podcast.feedVersion}`);
  if (opts.hubs?.length) h.update(`|hubs=${opts.hubs.join(",")}`);
  return `"${h.digest("base64url").slice(0, 32)}"`;
}
