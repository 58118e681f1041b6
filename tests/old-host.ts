import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { makeFixtureDir } from "@/tests/media-fixtures";

/**
 * A loopback HTTP server (127.0.0.1 only) that behaves like a real podcast host a show is
 * imported from: a dozen items with the quirks real feeds have — tracking-prefix redirects (two
 * and three hops), length="0" and wrong lengths, itunes:duration as seconds, MM:SS and H:MM:SS,
 * CDATA HTML with <script> and onerror, URL and tag: GUIDs, one enclosure that 404s, one AAC
 * episode, a transcript and chapters, serial type with seasons, a trailer and a bonus item — and
 * no byte-range support (Range is ignored: always 200 with the whole file). Fixture media is made
 * with ffmpeg, small and deterministic. Also serves hostile documents for the refusal tests.
 */

export interface OldItem {
  guid: string;
  title: string;
  pubDate: string;
  /** The publish date the import must keep, to the second. */
  isoDate: string;
  /** Path of the audio on this host (null: the enclosure 404s). */
  file: string | null;
  sha256: string | null;
  bytes: number | null;
  mime: string;
  seconds: number;
  season?: number;
  episode?: number;
  type?: "trailer" | "bonus";
  transcript?: boolean;
  chapters?: boolean;
  /** Bad episode cover (breaks the rules: 600×600). */
  smallCover?: boolean;
}

export interface OldHost {
  base: string;
  feedUrl: string;
  items: OldItem[];
  podcastGuid: string;
  hits: string[];
  /** The enclosure that 404ed is there now (the podcaster fixed it at the old host). */
  fixMissing(): OldItem;
  /** Adds items to the feed (the old host keeps publishing before the redirect is in place). */
  addItems(n: number): OldItem[];
  /** The feed names `url` in <itunes:new-feed-url> (hosts without redirects), or stops. */
  setNewFeedUrl(url: string | null): void;
  /** From now on the feed answers 301 to `location` (the move away from the old host). */
  redirectFeedTo(location: string | null, status?: number): void;
  close(): Promise<void>;
}

const NS = `xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom"`;

export const HOSTILE = {
  billionLaughs: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ""};`.repeat(10)}">`).join("")}]><rss version="2.0"><channel><title>&lol9;</title><item><title>x</title><enclosure url="https://x.example/a.mp3" type="audio/mpeg"/></item></channel></rss>`,
  externalEntity: `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title><enclosure url="https://x.example/a.mp3" type="audio/mpeg"/></item></channel></rss>`,
  html: `<!DOCTYPE html><html><head><title>My podcast</title></head><body><h1>Listen on our website</h1></body></html>`,
  atom: `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A blog</title><entry><title>Post</title><link href="https://blog.example/1"/><id>urn:1</id><updated>2024-01-01T00:00:00Z</updated></entry></feed>`,
  empty: `<?xml version="1.0"?><rss version="2.0" ${NS}><channel><title>Nothing yet</title><description>Soon</description></channel></rss>`,
};

const sha = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");

export async function startOldHost(opts: { episodes?: number; quick?: boolean } = {}): Promise<OldHost> {
  const media = makeFixtureDir();
  const files = new Map<string, { data: Buffer; type: string }>();
  const add = (name: string, file: string, type: string) => {
    const data = fs.readFileSync(file);
    files.set(`/media/${name}`, { data, type });
    return { data, path: `/media/${name}` };
  };
  // Distinct tones, so no two episodes share bytes (the library keeps one copy per content).
  const mp3 = (name: string, seconds: number, freq: number) =>
    add(name, media.ffmpeg(["-f", "lavfi", "-i", `sine=frequency=${freq}:duration=${seconds}`, "-c:a", "libmp3lame", "-b:a", "48k", "-ac", "1"], name), "audio/mpeg");
  const aac = (name: string, seconds: number, freq: number) =>
    add(name, media.ffmpeg(["-f", "lavfi", "-i", `sine=frequency=${freq}:duration=${seconds}`, "-c:a", "aac", "-b:a", "48k", "-ac", "1", "-f", "mp4"], name), "audio/mp4");
  files.set("/cover.png", { data: fs.readFileSync(media.png("cover.png", 1400)), type: "image/png" });
  files.set("/small-cover.png", { data: fs.readFileSync(media.png("small-cover.png", 600)), type: "image/png" });
  files.set("/ep8.vtt", { data: Buffer.from("WEBVTT\n\n00:00.000 --> 00:01.500\nHello from the old host.\n\n00:01.500 --> 00:02.500\nBye.\n"), type: "text/vtt" });
  files.set("/ep8-chapters.json", {
    data: Buffer.from(JSON.stringify({ version: "1.2.0", chapters: [{ startTime: 0, title: "Intro" }, { startTime: 1.5, title: "Main" }] })),
    type: "application/json+chapters",
  });

  const items: OldItem[] = [];
  const seconds = 2;
  const day = (n: number) => new Date(Date.UTC(2021, 0, 4 + n * 7, 9, 30, 15));
  const rfc = (d: Date, zone: string) => {
    // The same instant written in `zone` (±HHMM), as hosts in other time zones write it.
    const sign = zone[0] === "-" ? -1 : 1;
    const mins = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3)));
    const local = new Date(d.getTime() + mins * 60_000);
    return local.toUTCString().replace("GMT", zone);
  };
  const zones = ["-0500", "+0200", "+0000", "+0530", "-0800", "+1000"];
  const count = opts.episodes ?? 12;
  const quick = opts.quick ?? false;
  const made = new Map<string, { data: Buffer; path: string }>();
  for (let i = 0; i < count; i++) {
    const n = i + 1;
    const date = day(i);
    const zone = zones[i % zones.length]!;
    let file: { data: Buffer; path: string } | null;
    let mime = "audio/mpeg";
    if (count === 12 && n === 7) file = null; // the enclosure 404s
    else if (count === 12 && n === 6) {
      file = aac(`ep${n}.m4a`, seconds, 300 + n * 37);
      mime = "audio/mp4";
    } else if (quick) {
      const key = `${n}`;
      file = made.get(key) ?? mp3(`ep${n}.mp3`, 1, 200 + n * 7);
      made.set(key, file);
    } else file = mp3(`ep${n}.mp3`, seconds, 300 + n * 37);
    const item: OldItem = {
      guid: n % 3 === 0 ? `https://oldhost.example/?p=${n}` : n % 3 === 1 ? `tag:oldhost.example,2021:episode/${n}` : `${crypto.createHash("md5").update(`ep${n}`).digest("hex")}`,
      title: `Episode ${n}: the ${["start", "middle", "end"][n % 3]} & more`,
      pubDate: n % 4 === 0 ? rfc(date, zone).replace(/^\w+, /, "") : rfc(date, zone),
      isoDate: date.toISOString(),
      file: file?.path ?? null,
      sha256: file ? sha(file.data) : null,
      bytes: file?.data.length ?? null,
      mime,
      seconds: quick && count !== 12 ? 1 : seconds,
    };
    if (count === 12) {
      if (n === 1) item.type = "trailer";
      else if (n === 12) item.type = "bonus";
      else {
        item.season = n <= 6 ? 1 : 2;
        item.episode = n <= 6 ? n - 1 : n - 6;
      }
      if (n === 8) {
        item.transcript = true;
        item.chapters = true;
      }
      if (n === 5) item.smallCover = true;
    }
    items.push(item);
  }

  let extra = 0;
  const addItems = (k: number) => {
    const added: OldItem[] = [];
    for (let j = 0; j < k; j++) {
      extra++;
      const n = 1000 + extra;
      const f = mp3(`new${n}.mp3`, 1, 900 + extra * 11);
      const date = new Date(Date.UTC(2024, 5, extra, 12, 0, 1));
      const it: OldItem = { guid: `new-episode-${n}`, title: `New episode ${n}`, pubDate: date.toUTCString(), isoDate: date.toISOString(), file: f.path, sha256: sha(f.data), bytes: f.data.length, mime: "audio/mpeg", seconds: 1 };
      items.unshift(it);
      added.push(it);
    }
    return added;
  };

  const hits: string[] = [];
  const flakySeen = new Set<string>();
  let feedRedirect: { location: string; status: number } | null = null;
  let newFeedUrl: string | null = null;
  let base = "";
  const durations = ["2", "00:02", "0:00:02", "120", "1:02:03"]; // the last two are wrong on purpose

  const feedXml = () => {
    const out: string[] = [];
    items.forEach((it, i) => {
      const n = i + 1;
      // Tracking prefixes: two or three redirects before the file (none for every third item).
      const target = it.file ? `${base}${it.file}` : `${base}/media/missing-${n}.mp3`;
      // Item 11 sits behind a flaky server: its first request answers 503 (the import retries).
      const enclosure =
        count === 12 && n === 11
          ? `${base}/flaky/${encodeURIComponent(target)}`
          : n % 3 === 0
            ? target
            : `${base}/track/${n % 2 === 0 ? 3 : 2}/${encodeURIComponent(target)}`;
      const length = n % 2 === 0 ? "0" : String((it.bytes ?? 1000) + 12345);
      out.push(`<item>
  <title>${it.title.replace(/&/g, "&amp;")}</title>
  <guid isPermaLink="${it.guid.startsWith("https://") ? "true" : "false"}">${it.guid.replace(/&/g, "&amp;")}</guid>
  <pubDate>${it.pubDate}</pubDate>
  <description>Plain notes for ${n}.</description>
  <content:encoded><![CDATA[<p>Notes for <b>episode ${n}</b> <img src="x" onerror="alert(${n})"> <script>steal(${n})</script> <a href="https://example.org/${n}" onclick="x()">link</a></p>]]></content:encoded>
  <enclosure url="${enclosure.replace(/&/g, "&amp;")}" length="${length}" type="${it.mime === "audio/mp4" ? "audio/x-m4a" : "audio/mpeg"}"/>
  <itunes:duration>${durations[n % durations.length]}</itunes:duration>
  <itunes:explicit>${n % 5 === 0 ? "yes" : "clean"}</itunes:explicit>
  ${it.season ? `<itunes:season>${it.season}</itunes:season>` : ""}${it.episode ? `<itunes:episode>${it.episode}</itunes:episode>` : ""}
  ${it.type ? `<itunes:episodeType>${it.type}</itunes:episodeType>` : "<itunes:episodeType>full</itunes:episodeType>"}
  ${it.transcript ? `<podcast:transcript url="${base}/ep8.vtt" type="text/vtt"/>` : ""}
  ${it.chapters ? `<podcast:chapters url="${base}/ep8-chapters.json" type="application/json+chapters"/>` : ""}
  ${it.smallCover ? `<itunes:image href="${base}/small-cover.png"/>` : ""}
</item>`);
    });
    return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" ${NS}>
<channel>
  <title>The Old Show &amp; Friends</title>
  <link>https://oldhost.example/show</link>
  <atom:link href="${base}/feed.xml" rel="self" type="application/rss+xml"/>
  <description><![CDATA[<p>A show that moves. <script>alert(1)</script></p>]]></description>
  <language>en-GB</language>
  <copyright>© 2021 Old Show Ltd</copyright>
  <itunes:author>Olive Host</itunes:author>
  <itunes:owner><itunes:name>Olive Host</itunes:name><itunes:email>olive@oldhost.example</itunes:email></itunes:owner>
  <itunes:category text="Technology"/>
  <itunes:category text="Games &amp; Hobbies"/>
  <itunes:explicit>no</itunes:explicit>
  <itunes:type>serial</itunes:type>
  <itunes:image href="${base}/cover.png"/>
  <podcast:guid>c7f6d4c1-2b4e-5a7d-9e0f-1234567890ab</podcast:guid>
  ${newFeedUrl ? `<itunes:new-feed-url>${newFeedUrl}</itunes:new-feed-url>` : ""}
  ${out.join("\n")}
</channel>
</rss>`;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    hits.push(url.pathname);
    if (url.pathname === "/feed.xml") {
      if (feedRedirect) {
        res.writeHead(feedRedirect.status, { location: feedRedirect.location });
        return void res.end();
      }
      res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" });
      return void res.end(feedXml());
    }
    const flaky = url.pathname.match(/^\/flaky\/(.*)$/);
    if (flaky) {
      const first = !flakySeen.has(flaky[1]!);
      flakySeen.add(flaky[1]!);
      res.writeHead(first ? 503 : 302, first ? { "retry-after": "0" } : { location: decodeURIComponent(flaky[1]!) });
      return void res.end();
    }
    const track = url.pathname.match(/^\/track\/(\d)\/(.*)$/);
    if (track) {
      const left = Number(track[1]);
      const target = decodeURIComponent(track[2]!);
      res.writeHead(302, { location: left > 1 ? `/track/${left - 1}/${encodeURIComponent(target)}` : target });
      return void res.end();
    }
    for (const [name, doc] of Object.entries(HOSTILE)) {
      if (url.pathname === `/hostile/${name}`) {
        res.writeHead(200, { "content-type": name === "html" ? "text/html" : "application/xml" });
        return void res.end(doc);
      }
    }
    const f = files.get(url.pathname);
    if (!f) {
      res.writeHead(404, { "content-type": "text/plain" });
      return void res.end("Not found");
    }
    // No byte ranges here, like many old hosts: a Range header is ignored.
    res.writeHead(200, { "content-type": f.type, "content-length": String(f.data.length) });
    res.end(req.method === "HEAD" ? undefined : f.data);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    feedUrl: `${base}/feed.xml`,
    items,
    podcastGuid: "c7f6d4c1-2b4e-5a7d-9e0f-1234567890ab",
    hits,
    addItems,
    fixMissing() {
      const i = items.findIndex((it) => !it.file);
      const it = items[i]!;
      const n = count === 12 ? 7 : i + 1;
      const f = mp3(`missing-${n}.mp3`, seconds, 4321);
      files.set(`/media/missing-${n}.mp3`, { data: f.data, type: "audio/mpeg" });
      Object.assign(it, { file: `/media/missing-${n}.mp3`, sha256: sha(f.data), bytes: f.data.length });
      return it;
    },
    setNewFeedUrl(url) {
      newFeedUrl = url;
    },
    redirectFeedTo(location, status = 301) {
      feedRedirect = location ? { location, status } : null;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      media.cleanup();
    },
  };
}
