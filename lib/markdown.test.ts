import { describe, expect, it } from "vitest";
import { FEED_NOTES_LIMIT_BYTES, feedNotesBytes, feedNotesProblem, isHtmlNotes, linkTimestamps, notesText, renderNotes, timestampSeconds } from "./markdown";
import { parseFeed } from "./import/parse-feed";
import { sanitizeShowNotes } from "./sanitize";

const REL = 'rel="nofollow noopener noreferrer"';

describe("renderNotes", () => {
  it("renders Markdown: bold, italic, links, lists, headings (one level down) and line breaks", () => {
    const html = renderNotes("**bold** and _italic_, [the site](https://example.com/a)\nnext line\n\n- one\n- two\n\n1. first\n2. second\n\n# Topics\n## Guests\n### Links");
    expect(html).toBe(
      `<p><strong>bold</strong> and <em>italic</em>, <a href="https://example.com/a" ${REL}>the site</a><br />next line</p>\n` +
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n<h2>Topics</h2>\n<h3>Guests</h3>\n<h4>Links</h4>\n",
    );
  });

  it("never lets scripts, event handlers or javascript: links through, in Markdown or HTML inside it", () => {
    const hostile = [
      "Hi <script>alert(1)</script> there",
      "[click](javascript:alert(1)) and [again](JaVaScRiPt:alert(1))",
      '<img src=x onerror="alert(1)"> and <a href="#" onclick="alert(1)">x</a>',
      "![pic](https://example.com/x.png\" onerror=\"alert(1))",
      "<iframe src=https://evil.example></iframe><style>*{}</style>",
      '<p onmouseover="alert(1)">old html <a href="javascript:alert(1)">x</a></p>',
      "`<script>` in code is text",
    ];
    for (const notes of hostile) {
      const html = renderNotes(notes);
      expect(html, notes).not.toMatch(/<(script|iframe|style|img)\b/i);
      // No tag keeps a handler or a javascript: address (the same words as text are harmless).
      expect(html, notes).not.toMatch(/<[^>]*(\son\w+\s*=|javascript:)[^>]*>/i);
    }
    expect(renderNotes("`<script>` in code is text")).toBe("<p><code>&lt;script&gt;</code> in code is text</p>\n");
  });

  it("renders notes written as HTML before Markdown exactly as before", () => {
    const old = [
      '<p>Notes with <a href="https://example.com">a link</a>.</p><script>document.title = "hacked"</script>',
      "<p>All about <b>feeds</b>.</p>\n\n    <ul>\n        <li>my_variable_name and *stars*</li>\n\n        <li>two</li>\n    </ul>",
      "<p>Intro</p>\n\nSome text with 2 * 3 * 4 and snake_case_words\n\n<p>Outro</p>",
      "<strong>Guest:</strong> Ann<br>\n<em>Recorded</em> in # Berlin",
      '<h1>Title</h1><div><p>Nested <span style="color:red">span</span></p></div><p onclick="x()">Handler</p>',
    ];
    for (const notes of old) {
      expect(isHtmlNotes(notes), notes).toBe(true);
      expect(renderNotes(notes), notes).toBe(sanitizeShowNotes(notes));
    }
  });

  it("keeps plain-text notes' paragraphs, lines and bare links", () => {
    expect(renderNotes("First line\nsecond & more: https://ex.com/x.\n\nNext 1 < 2")).toBe(
      `<p>First line<br />second &amp; more: <a href="https://ex.com/x" ${REL}>https://ex.com/x</a>.</p>\n<p>Next 1 &lt; 2</p>\n`,
    );
    // Indented lines are text, not a code block.
    expect(renderNotes("Intro\n\n    indented words")).toBe("<p>Intro</p>\n<p>    indented words</p>\n");
    expect(renderNotes("  \n ")).toBe("");
  });

  it("tells Markdown from HTML notes, and the check can fail both ways", () => {
    expect(isHtmlNotes("**bold** with <b>some</b> HTML inside")).toBe(false);
    expect(isHtmlNotes("<https://example.com> is an autolink")).toBe(false);
    expect(isHtmlNotes("  <p>old</p>")).toBe(true);
    expect(isHtmlNotes("Text first, then a paragraph end</p>")).toBe(true);
    // HTML inside Markdown goes through the sanitizer as well.
    expect(renderNotes('**bold** with <b onclick="x()">some</b> HTML')).toBe("<p><strong>bold</strong> with <b>some</b> HTML</p>\n");
  });

  it("gives plain text for meta descriptions and JSON-LD", () => {
    expect(notesText("## Topics\n\n**Fish** & [chips](https://example.com) at 12:34")).toBe("Topics Fish & chips at 12:34");
    expect(notesText("<p>Old &amp; <b>HTML</b></p>")).toBe("Old & HTML");
  });
});

describe("imported notes", () => {
  it("arrive as HTML and render unchanged, whether the other host sent HTML or plain text", () => {
    const NS = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/"';
    const item = (guid: string, notes: string) =>
      `<item><title>${guid}</title><guid>${guid}</guid><enclosure url="https://cdn.example.com/${guid}.mp3" length="0" type="audio/mpeg"/>${notes}</item>`;
    const xml = `<?xml version="1.0"?><rss version="2.0" ${NS}><channel><title>Old</title><description>About *stars* and snake_case_names</description>${item(
      "html",
      "<content:encoded><![CDATA[<p>Hello <b>there</b>, my_var_name</p>\n\n    <ul><li>one</li></ul><script>x()</script>]]></content:encoded>",
    )}${item("text", "<description>Line one\n\nLine *two* at 12:34</description>")}</channel></rss>`;
    const parsed = parseFeed(xml);
    for (const notes of [parsed.description, ...parsed.items.map((i) => i.notes)]) {
      expect(isHtmlNotes(notes), notes).toBe(true);
      expect(renderNotes(notes), notes).toBe(notes);
    }
    expect(renderNotes(parsed.items[1]!.notes)).toBe("<p>Line one</p>\n<p>Line *two* at 12:34</p>");
  });
});

describe("timestamps", () => {
  it("become seek links in rendered notes, outside links and code", () => {
    const html = linkTimestamps(renderNotes("Intro 0:00, interview at 12:34 and outro (1:02:03).\n\n`12:34` [12:34](https://example.com)"));
    expect(html).toContain('Intro <a href="#t=0:00" data-seek="0">0:00</a>');
    expect(html).toContain('at <a href="#t=12:34" data-seek="754">12:34</a> and outro (<a href="#t=1:02:03" data-seek="3723">1:02:03</a>)');
    expect(html).toContain("<code>12:34</code>");
    expect(html).toContain(`<a href="https://example.com" ${REL}>12:34</a>`);
  });

  it("are only minutes and seconds below 60, not clocks, ports or longer numbers", () => {
    expect(timestampSeconds("12:34")).toBe(754);
    expect(timestampSeconds("1:02:03")).toBe(3723);
    expect(timestampSeconds("90:00")).toBe(5400);
    for (const text of ["12:60", "1:62:00", "10:30am", "1:2", "12:345", "3.12:34"]) expect(timestampSeconds(text), text).toBeNull();
    expect(linkTimestamps("<p>Doors 10:30am, port host:8080, v1.12:34, 12:34:56:78</p>")).not.toContain("data-seek");
  });
});

describe("the feed's byte limit", () => {
  it("counts the UTF-8 bytes of the HTML the feed carries, and says by how much it is over", () => {
    expect(feedNotesBytes("**é**")).toBe(new TextEncoder().encode("<p><strong>é</strong></p>\n").length);
    const fits = "a".repeat(FEED_NOTES_LIMIT_BYTES - "<p></p>\n".length);
    expect(feedNotesBytes(fits)).toBe(FEED_NOTES_LIMIT_BYTES);
    expect(feedNotesProblem(fits)).toBeNull();
    // Markdown is short, its HTML is not: the limit counts the HTML.
    const links = Array.from({ length: 60 }, (_, i) => `[${i}](https://example.com/${i})`).join(" ");
    expect(links.length).toBeLessThan(FEED_NOTES_LIMIT_BYTES);
    expect(feedNotesBytes(links)).toBeGreaterThan(FEED_NOTES_LIMIT_BYTES);
    expect(feedNotesProblem(`${fits}é`)).toBe("The feed would carry 4,002 bytes of notes; Apple Podcasts allows 4,000. Shorten them by 2 bytes.");
  });
});
