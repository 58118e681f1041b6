import { describe, expect, it } from "vitest";
import { NOT_A_FEED, decodeFeed, parseDuration, parseFeed, parseFeedDate } from "./parse-feed";

const NS = `xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:podcast="https://podcastindex.org/namespace/1.0"`;

function feed(items: string, channelExtra = "") {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" ${NS}><channel><title>Old &amp; Gold</title><link>https://old.example.com/</link>
<description>About &lt;b&gt;it&lt;/b&gt;</description>${channelExtra}${items}</channel></rss>`;
}
const item = (guid: string, extra = "") =>
  `<item><title>T ${guid}</title><guid isPermaLink="false">${guid}</guid><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate><enclosure url="https://cdn.example.com/${guid}.mp3" length="0" type="audio/mpeg"/>${extra}</item>`;

function refusal(xml: string): string {
  try {
    parseFeed(xml);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected the document to be refused");
}

describe("parseFeed", () => {
  it("maps channel and item fields, keeping GUIDs exactly and dates to the second", () => {
    const parsed = parseFeed(
      feed(
        item("tag:old.example.com,2024:ep/1 ", `<itunes:season>2</itunes:season><itunes:episode>7</itunes:episode><itunes:episodeType>bonus</itunes:episodeType><itunes:explicit>yes</itunes:explicit><content:encoded><![CDATA[<p onclick="x()">Hi <script>alert(1)</script><img src=x onerror=alert(1)> <a href="javascript:alert(1)">bad</a> <a href="https://ok.example">ok</a></p>]]></content:encoded><itunes:duration>1:02:03</itunes:duration>`) +
          `<item><title>Url guid</title><guid>https://old.example.com/?p=42&amp;x=1</guid><pubDate>Wed, 02 Oct 2002 08:00:59 -0530</pubDate><enclosure url="https://cdn.example.com/a.m4a" length="123" type="audio/x-m4a"/></item>`,
        `<itunes:author>Ann</itunes:author><itunes:owner><itunes:name>Ann O.</itunes:name><itunes:email>ANN@example.com</itunes:email></itunes:owner><language>de-DE</language>
         <itunes:category text="Science"><itunes:category text="Physics"/></itunes:category><itunes:explicit>clean</itunes:explicit><itunes:type>serial</itunes:type>
         <copyright>© Ann</copyright><itunes:image href="https://old.example.com/cover.jpg"/><podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>`,
      ),
    );
    expect(parsed.title).toBe("Old & Gold");
    expect(parsed.description).toBe("About <b>it</b>");
    expect(parsed).toMatchObject({
      author: "Ann", ownerName: "Ann O.", ownerEmail: "ann@example.com", language: "de-DE", category: "Science", subcategory: "Physics",
      explicit: false, type: "serial", copyright: "© Ann", coverUrl: "https://old.example.com/cover.jpg", podcastGuid: "917393e3-1b1e-5cef-ace4-edaa54e1f810",
      website: "https://old.example.com/",
    });
    const [a, b] = parsed.items;
    expect(a!.guid).toBe("tag:old.example.com,2024:ep/1");
    expect(a!.publishedAt).toBe("2003-06-10T04:00:00.000Z");
    expect(a).toMatchObject({ seasonNumber: 2, episodeNumber: 7, episodeType: "bonus", explicit: true, durationHintSeconds: 3723 });
    expect(a!.notes).not.toMatch(/script|onerror|onclick|javascript|<img/);
    expect(a!.notes).toContain('href="https://ok.example"');
    expect(b!.guid).toBe("https://old.example.com/?p=42&x=1");
    expect(b!.publishedAt).toBe("2002-10-02T13:30:59.000Z");
    expect(b!.enclosure).toEqual({ url: "https://cdn.example.com/a.m4a", type: "audio/x-m4a", length: 123 });
  });

  it("notes an unknown category and leaves it empty", () => {
    const parsed = parseFeed(feed(item("a"), `<itunes:category text="Underwater Basket Weaving"/>`));
    expect(parsed.category).toBeNull();
    expect(parsed.notes.join(" ")).toMatch(/Underwater Basket Weaving.*not in Apple's list/);
  });

  it("reads durations and dates in the forms hosts write", () => {
    expect(parseDuration("3600")).toBe(3600);
    expect(parseDuration("05:07")).toBe(307);
    expect(parseDuration("1:00:01")).toBe(3601);
    expect(parseDuration("soon")).toBeNull();
    expect(parseFeedDate("Mon, 01 Jan 2024 10:00:00 PST")).toBe("2024-01-01T18:00:00.000Z");
    expect(parseFeedDate("1 Jan 2024 10:00 +0100")).toBe("2024-01-01T09:00:00.000Z");
    expect(parseFeedDate("Sun, 31 Dec 23 23:59:59 Z")).toBe("2023-12-31T23:59:59.000Z");
    expect(parseFeedDate("2024-05-06T07:08:09.999+02:00")).toBe("2024-05-06T05:08:09.000Z");
    expect(parseFeedDate("yesterday")).toBeNull();
  });

  it("refuses billion laughs fast, without expanding anything", () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ""};`.repeat(10)}">`).join("")}]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><enclosure url="https://x/a.mp3" type="audio/mpeg"/></item></channel></rss>`;
    const started = performance.now();
    const message = refusal(lol);
    expect(performance.now() - started).toBeLessThan(200);
    expect(message).toMatch(/^The feed was refused: it declares XML entities/);
    expect(message).not.toContain("lollol");
  });

  it("refuses an external entity and leaks nothing", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&xxe;</title>${item("a")}</channel></rss>`;
    const message = refusal(xxe);
    expect(message).toMatch(/refused/);
    expect(message).not.toMatch(/root:|passwd/);
    // Undeclared entity references are kept as written, never resolved.
    const parsed = parseFeed(feed(item("a", "<description>&xxe; &#65;</description>")));
    expect(parsed.items[0]!.notes).toContain("&amp;xxe; A");
  });

  it("refuses an internal DTD subset even without entities", () => {
    expect(refusal(`<?xml version="1.0"?><!DOCTYPE rss [<!ELEMENT rss ANY>]>${feed(item("a")).replace(/^<\?xml[^>]*>/, "")}`)).toMatch(/internal DTD/);
  });

  it.each([
    ["an HTML page", `<!DOCTYPE html><html><head><title>Hi</title></head><body><p>Welcome</body></html>`, /web page/],
    ["XHTML", `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`, /web page/],
    ["Atom without audio", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><entry><title>x</title><link href="https://x/"/></entry></feed>`, /Atom feed without audio/],
    ["a feed with no items", feed(""), /no episodes/],
    ["items without audio", feed(`<item><title>Post</title><guid>p1</guid></item>`), /none of its items has audio/],
    ["broken XML", `<rss><channel><title>x</title><item></channel></rss>`, /XML is broken/],
    ["JSON", `{"items":[]}`, /XML is broken|not an RSS/],
  ])("says %s is not a podcast feed", (_name, xml, why) => {
    const message = refusal(xml);
    expect(message.startsWith(NOT_A_FEED)).toBe(true);
    expect(message).toMatch(why);
  });

  it("reads the encoding the feed declares", () => {
    const latin1 = Buffer.from(feed(item("a")).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace("Old &amp; Gold", "Caf\u00e9 Gold"), "latin1");
    expect(parseFeed(decodeFeed(latin1)).title).toBe("Caf\u00e9 Gold");
    const utf8 = Buffer.from(feed(item("a")).replace("Old &amp; Gold", "Caf\u00e9 \u{1F399}"), "utf8");
    expect(parseFeed(decodeFeed(utf8)).title).toBe("Caf\u00e9 \u{1F399}");
  });

  it("keeps the first of two items with the same GUID and says so", () => {
    const parsed = parseFeed(feed(item("dup") + item("dup")));
    expect(parsed.items).toHaveLength(1);
    expect(parsed.notes.join(" ")).toMatch(/appears twice/);
  });
});
