import { XMLParser, XMLValidator } from "fast-xml-parser";
import { APPLE_CATEGORIES } from "@/lib/apple-categories";
import { AppError } from "@/lib/errors";
import { sanitizeShowNotes } from "@/lib/sanitize";

/**
 * Reads another host's RSS podcast feed into plain values, losslessly where podcast apps look
 * (GUIDs exactly as given, dates to the second) and safely: no DTD, no entity of any kind is
 * expanded (fast-xml-parser with processEntities off; only the five predefined XML entities and
 * numeric character references are decoded, by hand, which cannot grow the text), show notes go
 * through the app's one sanitizer. Pure: no I/O, so it is tested with hostile documents directly.
 */

export const NOT_A_FEED = "This address does not serve a podcast feed";

export interface ParsedItem {
  guid: string;
  title: string;
  /** Sanitized HTML (content:encoded preferred over description). */
  notes: string;
  /** ISO date, whole seconds; null when the item has no readable date. */
  publishedAt: string | null;
  seasonNumber: number | null;
  episodeNumber: number | null;
  episodeType: "full" | "trailer" | "bonus";
  explicit: boolean;
  coverUrl: string | null;
  enclosure: { url: string; type: string | null; length: number | null } | null;
  /** What the old feed claimed (often wrong; the file is measured instead). */
  durationHintSeconds: number | null;
  transcript: { url: string; type: string | null } | null;
  chaptersUrl: string | null;
}

export interface ParsedFeed {
  podcastGuid: string | null;
  title: string;
  description: string;
  author: string;
  ownerName: string;
  ownerEmail: string;
  language: string;
  category: string | null;
  subcategory: string | null;
  explicit: boolean;
  type: "episodic" | "serial";
  copyright: string | null;
  website: string | null;
  coverUrl: string | null;
  items: ParsedItem[];
  /** Things the import changed or dropped, in words (e.g. an unknown category). */
  notes: string[];
}

function notAFeed(why: string): AppError {
  return new AppError("invalid", `${NOT_A_FEED}: ${why}.`, { details: { feed: "not_a_feed" } });
}

function unsafe(why: string): AppError {
  return new AppError("invalid", `The feed was refused: ${why}.`, { details: { feed: "unsafe" } });
}

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** The five predefined XML entities and numeric references; anything else is left as written. */
export function decodeXmlText(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : "";
    }
    return PREDEFINED[name.toLowerCase()] ?? whole;
  });
}

/**
 * The feed's bytes as text, in the encoding its byte-order mark or XML declaration names
 * (UTF-8 when neither does, or when the name is unknown).
 */
export function decodeFeed(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  const declared = bytes.subarray(0, 200).toString("latin1").match(/^(?:\uFEFF|\xEF\xBB\xBF)?\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i)?.[1];
  try {
    return new TextDecoder(declared ?? "utf-8").decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

/** The text of an element: entity-decoded text plus CDATA as it was. */
function text(node: unknown): string {
  if (node === undefined || node === null) return "";
  if (typeof node === "string" || typeof node === "number" || typeof node === "boolean") return decodeXmlText(String(node)).trim();
  if (Array.isArray(node)) return text(node[0]);
  const o = node as Record<string, unknown>;
  const parts: string[] = [];
  if (o["#text"] !== undefined) parts.push(decodeXmlText(String(o["#text"])));
  const cdata = o["#cdata"];
  if (cdata !== undefined) parts.push(...(Array.isArray(cdata) ? cdata.map(String) : [String(cdata)]));
  return parts.join("").trim();
}

function attr(node: unknown, name: string): string | null {
  const n = Array.isArray(node) ? node[0] : node;
  if (!n || typeof n !== "object") return null;
  const v = (n as Record<string, unknown>)[`@_${name}`];
  return v === undefined ? null : decodeXmlText(String(v)).trim();
}

function list(node: unknown): unknown[] {
  return node === undefined ? [] : Array.isArray(node) ? node : [node];
}

function httpUrl(v: string | null | undefined): string | null {
  if (!v) return null;
  try {
    const u = new URL(v.trim());
    return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : null;
  } catch {
    return null;
  }
}

function positiveInt(v: string): number | null {
  if (!/^\s*\d+\s*$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 && n <= 99999 ? n : null;
}

/** itunes:explicit: yes/true/explicit are explicit; no/false/clean and anything else are not. */
export function parseExplicit(v: string): boolean {
  return /^(yes|true|explicit)$/i.test(v.trim());
}

/** itunes:duration as seconds, MM:SS or H:MM:SS. */
export function parseDuration(v: string): number | null {
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s));
  const m = s.match(/^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:\.\d+)?$/);
  if (!m) return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

const ZONES: Record<string, string> = { UT: "+0000", UTC: "+0000", GMT: "+0000", Z: "+0000", EST: "-0500", EDT: "-0400", CST: "-0600", CDT: "-0500", MST: "-0700", MDT: "-0600", PST: "-0800", PDT: "-0700" };

/**
 * An RFC 2822 date (any zone: numeric offsets, the US names, UT/GMT/Z) to an ISO string in
 * whole seconds, or null. Tolerates a missing weekday and ISO 8601 dates some hosts emit.
 */
export function parseFeedDate(v: string): string | null {
  const s = v.trim().replace(/\s+/g, " ");
  if (!s) return null;
  const m = s.match(/^(?:[A-Za-z]{3,9},? )?(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{2,4}) (\d{1,2}):(\d{2})(?::(\d{2}))? ?([+-]\d{4}|[A-Za-z]{1,5})?$/);
  let ms: number;
  if (m) {
    const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    const month = months.indexOf(m[2]!.toLowerCase());
    if (month < 0) return null;
    let year = Number(m[3]);
    if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900;
    const zoneRaw = (m[7] ?? "GMT").toUpperCase();
    const zone = /^[+-]\d{4}$/.test(zoneRaw) ? zoneRaw : (ZONES[zoneRaw] ?? "+0000");
    const offset = (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
    ms = Date.UTC(year, month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) - offset * 60_000;
  } else if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    ms = Date.parse(s);
  } else {
    return null;
  }
  if (!Number.isFinite(ms)) return null;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

// Categories Apple renamed or merged (2019); anything else outside the list is dropped and noted.
const OLD_CATEGORIES: Record<string, [string, string | null]> = {
  "Games & Hobbies": ["Leisure", null],
  "Science & Medicine": ["Science", null],
  "Society & Culture": ["Society & Culture", null],
  "Sports & Recreation": ["Sports", null],
  "Kids and Family": ["Kids & Family", null],
  "Religion and Spirituality": ["Religion & Spirituality", null],
  "Health": ["Health & Fitness", null],
  "Business": ["Business", null],
  "TV and Film": ["TV & Film", null],
};

function mapCategory(channel: Record<string, unknown>, notes: string[]): { category: string | null; subcategory: string | null } {
  const first = list(channel["itunes:category"])[0];
  const name = attr(first, "text");
  if (!name) return { category: null, subcategory: null };
  const sub = attr((first as Record<string, unknown>)?.["itunes:category"], "text");
  let category: string | null = APPLE_CATEGORIES[name] ? name : (OLD_CATEGORIES[name]?.[0] ?? null);
  if (!category) {
    notes.push(`The category "${name}" is not in Apple's list, so the podcast has no category; choose one in its settings.`);
    return { category: null, subcategory: null };
  }
  if (category !== name) notes.push(`The old category "${name}" became "${category}".`);
  const subcategory: string | null = sub && APPLE_CATEGORIES[category]!.includes(sub) ? sub : null;
  if (sub && !subcategory) notes.push(`The subcategory "${sub}" is not one of ${category}'s, so it was left out.`);
  category ??= null;
  return { category, subcategory };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  cdataPropName: "#cdata",
  // A podcast feed is shallow; anything deeper is hostile or broken.
  maxNestedTags: 64,
  isArray: (name) => name === "item" || name === "itunes:category" || name === "podcast:transcript" || name === "enclosure",
});

/** Refuses DTDs and entity declarations before the parser sees them. */
function refuseDtd(xml: string) {
  const head = xml.slice(0, 1 << 20);
  if (/<!ENTITY/i.test(xml)) throw unsafe("it declares XML entities (a DTD), which could expand without limit or read local files");
  const doctype = head.match(/<!DOCTYPE[^>[]*(\[)?/i);
  if (doctype?.[1]) throw unsafe("it carries an internal DTD, which is not allowed in a feed");
}

/**
 * Parses a feed document. Throws invalid with "This address does not serve a podcast feed: …"
 * for HTML, Atom without audio, empty feeds and broken XML, and "The feed was refused: …" for
 * DTDs and entities.
 */
export function parseFeed(xml: string): ParsedFeed {
  const doc = xml.replace(/^\uFEFF/, "");
  refuseDtd(doc);
  if (/^\s*(<!doctype html|<html)/i.test(doc)) throw notAFeed("it is a web page (HTML)");
  const valid = XMLValidator.validate(doc);
  if (valid !== true) {
    if (/<html[\s>]/i.test(doc.slice(0, 4096))) throw notAFeed("it is a web page (HTML)");
    throw notAFeed(`the XML is broken (line ${valid.err.line}: ${valid.err.msg})`);
  }
  let root: Record<string, unknown>;
  try {
    root = parser.parse(doc) as Record<string, unknown>;
  } catch (err) {
    throw notAFeed(`the XML could not be read (${(err as Error).message.split("\n")[0]})`);
  }
  if (root.html) throw notAFeed("it is a web page (HTML)");
  if (root.feed) {
    const entries = list((root.feed as Record<string, unknown>).entry);
    const audio = entries.some((e) => list((e as Record<string, unknown>)?.link).some((l) => attr(l, "rel") === "enclosure" && /^audio\//i.test(attr(l, "type") ?? "")));
    throw notAFeed(audio ? "it is an Atom feed; import the show's RSS feed instead" : "it is an Atom feed without audio");
  }
  const rss = root.rss as Record<string, unknown> | undefined;
  const channel = (rss && typeof rss === "object" ? rss.channel : undefined) as Record<string, unknown> | undefined;
  if (!channel || typeof channel !== "object") throw notAFeed("it is not an RSS feed");
  const rawItems = list(channel.item).filter((i): i is Record<string, unknown> => !!i && typeof i === "object");
  if (rawItems.length === 0) throw notAFeed("it has no episodes");
  const items = rawItems.map(parseItem);
  if (!items.some((i) => i.enclosure && (i.enclosure.type === null || /^(audio|video)\//i.test(i.enclosure.type) || /\.(mp3|m4a|aac|mp4|ogg|opus|wav|flac)(\?|$)/i.test(i.enclosure.url)))) {
    throw notAFeed("none of its items has audio");
  }
  const notes: string[] = [];
  const { category, subcategory } = mapCategory(channel, notes);
  const owner = channel["itunes:owner"] as Record<string, unknown> | undefined;
  const typeRaw = text(channel["itunes:type"]).toLowerCase();
  const language = text(channel.language);
  const title = text(channel.title) || text(channel["itunes:title"]);
  if (!title) throw notAFeed("the feed has no title");
  const ownerEmail = text(owner?.["itunes:email"]);
  // Duplicate GUIDs inside one feed would collapse into one episode: keep the first, note the rest.
  const seen = new Set<string>();
  const unique: ParsedItem[] = [];
  for (const item of items) {
    if (seen.has(item.guid)) {
      notes.push(`The GUID "${item.guid}" appears twice in the feed; only the first item ("${item.title}") was imported.`);
      continue;
    }
    seen.add(item.guid);
    unique.push(item);
  }
  return {
    podcastGuid: text(channel["podcast:guid"]) || null,
    title: title.slice(0, 200),
    description: sanitizeShowNotes(text(channel.description) || text(channel["itunes:summary"])),
    author: text(channel["itunes:author"]).slice(0, 200),
    ownerName: text(owner?.["itunes:name"]).slice(0, 200),
    ownerEmail: /^[^\s@]+@[^\s@]+$/.test(ownerEmail) ? ownerEmail.toLowerCase().slice(0, 254) : "",
    language: /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(language) ? language : "en",
    category,
    subcategory,
    explicit: parseExplicit(text(channel["itunes:explicit"])),
    type: typeRaw === "serial" ? "serial" : "episodic",
    copyright: text(channel.copyright).slice(0, 300) || null,
    website: httpUrl(text(channel.link)),
    coverUrl: httpUrl(attr(channel["itunes:image"], "href")) ?? httpUrl(text((channel.image as Record<string, unknown> | undefined)?.url)),
    items: unique,
    notes,
  };
}

function parseItem(item: Record<string, unknown>): ParsedItem {
  const enclosureNode = list(item.enclosure)[0];
  const encUrl = httpUrl(attr(enclosureNode, "url"));
  const lengthRaw = attr(enclosureNode, "length");
  const title = text(item.title) || text(item["itunes:title"]) || "Untitled episode";
  // Apps fall back to the enclosure URL when an item has no GUID; so do we, to match them.
  const guid = text(item.guid) || encUrl || title;
  const typeRaw = text(item["itunes:episodeType"]).toLowerCase();
  const transcripts = list(item["podcast:transcript"])
    .map((t) => ({ url: httpUrl(attr(t, "url")), type: attr(t, "type") }))
    .filter((t): t is { url: string; type: string | null } => !!t.url && /subrip|srt|vtt/i.test(`${t.type} ${t.url}`));
  return {
    guid,
    title: title.slice(0, 200),
    notes: sanitizeShowNotes(text(item["content:encoded"]) || text(item.description) || text(item["itunes:summary"])),
    publishedAt: parseFeedDate(text(item.pubDate)),
    seasonNumber: positiveInt(text(item["itunes:season"])),
    episodeNumber: positiveInt(text(item["itunes:episode"])),
    episodeType: typeRaw === "trailer" || typeRaw === "bonus" ? typeRaw : "full",
    explicit: parseExplicit(text(item["itunes:explicit"])),
    coverUrl: httpUrl(attr(item["itunes:image"], "href")),
    enclosure: encUrl ? { url: encUrl, type: attr(enclosureNode, "type"), length: lengthRaw && /^\d+$/.test(lengthRaw) ? Number(lengthRaw) : null } : null,
    durationHintSeconds: parseDuration(text(item["itunes:duration"])),
    transcript: transcripts.find((t) => /vtt/i.test(`${t.type} ${t.url}`)) ?? transcripts[0] ?? null,
    chaptersUrl: httpUrl(attr(item["podcast:chapters"], "url")),
  };
}
