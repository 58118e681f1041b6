import Parser from "rss-parser";
import { describe, expect, it, vi } from "vitest";
import { renderPage } from "@/tests/render-page";
import { GET as feedRoute } from "@/app/p/[slug]/feed.xml/route";
import { sanitizeShowNotes } from "@/lib/sanitize";
import { makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";

vi.mock("next/headers", () => ({ headers: async () => new Headers({ host: "localhost" }) }));
// A listener: no session (the members' "Edit in dashboard" link is the browser tests').
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => null }));

const MARKDOWN = [
  "## In this episode",
  "",
  "We talk about **bold ideas** and _quiet ones_, with [our guest](https://guest.example.com/about).",
  "",
  "- 0:00 Welcome",
  "- 12:34 The interview",
  "- 1:02:03 Listener questions",
  "",
  '<script>alert("notes")</script><img src=x onerror="alert(1)"> [bad](javascript:alert(1)) <b onclick="alert(1)">kept</b>',
].join("\n");

const OLD_HTML =
  '<p>Notes with <a href="https://example.com">a link</a> and my_snake_case *stars*.</p>\n\n    <ul>\n      <li>one</li>\n\n      <li>two</li>\n    </ul><script>document.title = "hacked"</script>';

async function renderEpisodePage(slug: string, episode: string) {
  const page = (await import("@/app/p/[slug]/[episode]/page")).default;
  return renderPage(await page({ params: Promise.resolve({ slug, episode }) }));
}

async function feedItems(slug: string) {
  const res = await feedRoute(new Request(`http://localhost/p/${slug}/feed.xml`, { headers: { host: "localhost" } }), { params: Promise.resolve({ slug }) });
  const xml = await res.text();
  const feed = await new Parser({ customFields: { item: [["content:encoded", "contentEncoded"], ["description", "description"]] } }).parseString(xml);
  return { xml, items: feed.items as unknown as { title: string; description: string; contentEncoded: string }[] };
}

const noUnsafeMarkup = (html: string) => {
  expect(html).not.toMatch(/<(script|img|iframe)\b/i);
  expect(html).not.toMatch(/<[^>]*(\son\w+\s*=|javascript:)[^>]*>/i);
};

describe("Markdown show notes", () => {
  it("render on the public episode page with timestamps that seek, and nothing unsafe", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer, { description: "A show about **things**." });
    const episode = await makePublishedEpisode(user.viewer, podcast.id, { title: "Marked", description: MARKDOWN });

    const html = await renderEpisodePage(podcast.slug, episode.slug);
    const notes = html.slice(html.indexOf('id="notes-heading"'));
    expect(notes).toContain("<h3>In this episode</h3>");
    expect(notes).toContain("<strong>bold ideas</strong> and <em>quiet ones</em>");
    expect(notes).toContain('<a href="https://guest.example.com/about" rel="nofollow noopener noreferrer">our guest</a>');
    expect(notes).toContain('<li><a href="#t=12:34" data-seek="754">12:34</a> The interview</li>');
    expect(notes).toContain('<a href="#t=1:02:03" data-seek="3723">1:02:03</a>');
    expect(notes).toContain("<b>kept</b>");
    noUnsafeMarkup(notes);
    expect(html.match(/<script/g)).toEqual(["<script"]); // the JSON-LD's, nothing from the notes
    // Meta and JSON-LD descriptions are the text, without Markdown's marks.
    expect(html).toContain('"description":"In this episode We talk about bold ideas and quiet ones, with our guest.');
  });

  it("go into the feed's description and content:encoded as HTML, timestamps as text, nothing unsafe", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer, { description: "A show about **things** and [more](https://example.com)." });
    await makePublishedEpisode(user.viewer, podcast.id, { title: "Marked", description: MARKDOWN });

    const { xml, items } = await feedItems(podcast.slug);
    expect(xml).toContain('<description><![CDATA[<p>A show about <strong>things</strong> and <a href="https://example.com" rel="nofollow noopener noreferrer">more</a>.</p>');
    expect(xml).toContain("<itunes:summary>A show about things and more.</itunes:summary>");
    const [item] = items;
    for (const html of [item!.description, item!.contentEncoded]) {
      expect(html).toContain("<h3>In this episode</h3>");
      expect(html).toContain("<strong>bold ideas</strong>");
      expect(html).toContain('<a href="https://guest.example.com/about" rel="nofollow noopener noreferrer">our guest</a>');
      expect(html).toContain("<li>12:34 The interview</li>");
      noUnsafeMarkup(html);
    }
    noUnsafeMarkup(xml.replace(/<\/?(rss|channel|item|atom:|itunes:|podcast:|enclosure|guid|title|link|description|content:encoded|pubDate|language|generator|lastBuildDate|image|url)[^>]*>/g, ""));
  });

  it("written as HTML before Markdown render on the page and in the feed exactly as before", async () => {
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const episode = await makePublishedEpisode(user.viewer, podcast.id, { title: "Old", description: OLD_HTML });
    const before = sanitizeShowNotes(OLD_HTML);
    expect(before).toContain("<li>one</li>");

    const html = await renderEpisodePage(podcast.slug, episode.slug);
    expect(html).toContain(`<div class="space-y-3 `);
    expect(html).toContain(`>${before}</div>`);
    const { items } = await feedItems(podcast.slug);
    expect(items[0]!.contentEncoded).toBe(before);
    expect(items[0]!.description).toBe(before);
  });
});
