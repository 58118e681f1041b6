import crypto from "node:crypto";
import { create } from "xmlbuilder2";
import type { PublicEpisode, PublicPodcast } from "@/lib/data/public";
import { sanitizeShowNotes, showNotesText } from "@/lib/sanitize";
import { urls } from "@/lib/urls";

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

/** Server configuration that shapes the feed (and so must be part of its ETag). */
export interface FeedOptions {
  /** WebSub hubs (WEBSUB_HUB_URL), announced with atom:link rel="hub". */
  hubs?: string[];
}

/**
 * The RSS 2.0 feed of a public podcast with the itunes, podcast (Podcasting 2.0), atom and
 * content namespaces, built as a tree (xmlbuilder2) so every value is escaped by the library.
 */
export function buildFeed(podcast: PublicPodcast, episodes: PublicEpisode[], base: string, opts: FeedOptions = {}): string {
  const feedUrl = urls.feed(base, podcast.slug);
  const siteUrl = podcast.website ?? urls.podcast(base, podcast.slug);
  const coverUrl = podcast.cover ? urls.cover(base, podcast.slug, podcast.cover.mimeType) : null;
  const doc = create({ version: "1.0", encoding: "UTF-8" });
  const rss = doc.ele("rss", {
    version: "2.0",
    "xmlns:itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "xmlns:podcast": "https://podcastindex.org/namespace/1.0",
    "xmlns:atom": "http://www.w3.org/2005/Atom",
    "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
  });
  const ch = rss.ele("channel");
  ch.ele("atom:link", { href: feedUrl, rel: "self", type: "application/rss+xml" });
  for (const hub of opts.hubs ?? []) ch.ele("atom:link", { href: hub, rel: "hub" });
  ch.ele("title").txt(podcast.title);
  ch.ele("link").txt(siteUrl);
  ch.ele("description").dat(sanitizeShowNotes(podcast.description) || podcast.title);
  ch.ele("language").txt(podcast.language);
  if (podcast.copyright) ch.ele("copyright").txt(podcast.copyright);
  ch.ele("generator").txt("PodcastPro");
  ch.ele("lastBuildDate").txt(lastModified(podcast, episodes).toUTCString());
  if (coverUrl) {
    ch.ele("itunes:image", { href: coverUrl });
    const img = ch.ele("image");
    img.ele("url").txt(coverUrl);
    img.ele("title").txt(podcast.title);
    img.ele("link").txt(siteUrl);
  }
  ch.ele("itunes:author").txt(podcast.author || podcast.ownerName || podcast.title);
  if (podcast.ownerName || podcast.ownerEmail) {
    const owner = ch.ele("itunes:owner");
    if (podcast.ownerName) owner.ele("itunes:name").txt(podcast.ownerName);
    if (podcast.ownerEmail) owner.ele("itunes:email").txt(podcast.ownerEmail);
  }
  if (podcast.category) {
    const cat = ch.ele("itunes:category", { text: podcast.category });
    if (podcast.subcategory) cat.ele("itunes:category", { text: podcast.subcategory });
  }
  ch.ele("itunes:explicit").txt(podcast.explicit ? "true" : "false");
  ch.ele("itunes:type").txt(podcast.type);
  ch.ele("itunes:summary").txt(showNotesText(podcast.description, 4000) || podcast.title);
  if (podcast.newFeedUrl) ch.ele("itunes:new-feed-url").txt(podcast.newFeedUrl);
  // An imported show keeps the podcast:guid it had: apps that follow the GUID see the same show.
  ch.ele("podcast:guid").txt(podcast.sourcePodcastGuid ?? podcastGuid(feedUrl));
  ch.ele("podcast:locked", podcast.ownerEmail ? { owner: podcast.ownerEmail } : {}).txt(podcast.locked ? "yes" : "no");
  for (const f of podcast.funding) ch.ele("podcast:funding", { url: f.url }).txt(f.label);
  for (const p of podcast.persons) addPerson(ch, p);
  if (podcast.location) {
    const { name, geo, osm } = podcast.location;
    ch.ele("podcast:location", { ...(geo ? { geo } : {}), ...(osm ? { osm } : {}) }).txt(name);
  }
  for (const t of podcast.txt) ch.ele("podcast:txt", t.purpose ? { purpose: t.purpose } : {}).txt(t.value);
  if (podcast.podroll.length) {
    const roll = ch.ele("podcast:podroll");
    // feedGuid is required by the namespace (parsers drop items without it): derived from the
    // feed URL when only that is given, as podcast:guid itself is.
    for (const r of podcast.podroll) roll.ele("podcast:remoteItem", { feedGuid: r.feedGuid ?? podcastGuid(r.feedUrl!), ...(r.feedUrl ? { feedUrl: r.feedUrl } : {}) });
  }

  for (const e of episodes) {
    const item = ch.ele("item");
    item.ele("title").txt(e.title);
    item.ele("itunes:title").txt(e.title);
    const notes = sanitizeShowNotes(e.description);
    item.ele("description").dat(notes || e.title);
    if (notes) item.ele("content:encoded").dat(notes);
    item.ele("link").txt(urls.episode(base, podcast.slug, e.slug));
    item.ele("guid", { isPermaLink: "false" }).txt(e.guid);
    item.ele("pubDate").txt(e.publishedAt.toUTCString());
    item.ele("enclosure", { url: withPrefix(podcast.enclosurePrefix, urls.audio(base, podcast.slug, e.slug)), length: String(e.audio.sizeBytes), type: enclosureType(e.audio.mimeType) });
    if (e.durationSeconds != null) item.ele("itunes:duration").txt(String(Math.round(e.durationSeconds)));
    if (e.episodeNumber != null) item.ele("itunes:episode").txt(String(e.episodeNumber));
    if (e.seasonNumber != null) item.ele("itunes:season").txt(String(e.seasonNumber));
    item.ele("itunes:episodeType").txt(e.episodeType);
    item.ele("itunes:explicit").txt(e.explicit ? "true" : "false");
    if (e.cover) item.ele("itunes:image", { href: urls.episodeCover(base, podcast.slug, e.slug, e.cover.mimeType) });
    if (e.transcriptFormat) {
      item.ele("podcast:transcript", {
        url: urls.transcript(base, podcast.slug, e.slug, e.transcriptFormat),
        type: e.transcriptFormat === "srt" ? "application/x-subrip" : "text/vtt",
      });
    }
    if (e.chapters?.length) {
      item.ele("podcast:chapters", { url: urls.chapters(base, podcast.slug, e.slug), type: "application/json+chapters" });
    }
    for (const p of e.persons) addPerson(item, p);
    for (const b of e.soundbites) item.ele("podcast:soundbite", { startTime: String(b.startTime), duration: String(b.duration) }).txt(b.title ?? "");
  }
  return doc.end({ prettyPrint: false });
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

type XmlNode = ReturnType<ReturnType<typeof create>["ele"]>;

/** podcast:person, with the taxonomy's role and group in lower case as the namespace writes them. */
function addPerson(parent: XmlNode, p: { name: string; role: string; group: string; img?: string; href?: string }) {
  parent
    .ele("podcast:person", { role: p.role.toLowerCase(), group: p.group.toLowerCase(), ...(p.img ? { img: p.img } : {}), ...(p.href ? { href: p.href } : {}) })
    .txt(p.name);
}

/** When the feed last changed: the podcast or any of its published episodes. */
export function lastModified(podcast: PublicPodcast, episodes: PublicEpisode[]): Date {
  let t = podcast.updatedAt.getTime();
  for (const e of episodes) t = Math.max(t, e.updatedAt.getTime(), e.publishedAt.getTime(), e.audio.createdAt.getTime());
  return new Date(Math.floor(t / 1000) * 1000);
}

const FEED_FORMAT_VERSION = "1";

/**
 * A strong ETag for the feed, computed from what the XML is made of rather than from the XML, so
 * a conditional request is answered without building it.
 */
export function feedEtag(podcast: PublicPodcast, episodes: PublicEpisode[], base: string, opts: FeedOptions = {}): string {
  const h = crypto.createHash("sha256");
  h.update(`${FEED_FORMAT_VERSION}|${base}|${podcast.id}|${podcast.updatedAt.getTime()}|${podcast.sourcePodcastGuid ?? ""}`);
  if (opts.hubs?.length) h.update(`|hubs=${opts.hubs.join(",")}`);
  for (const e of episodes) h.update(`|${e.id}:${e.updatedAt.getTime()}:${e.audio.id}:${e.audio.sizeBytes}:${e.publishedAt.getTime()}`);
  return `"${h.digest("base64url").slice(0, 32)}"`;
}
