import { isValidElement, type ReactNode } from "react";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { db, tables } from "@/db";
import { JsonLd } from "@/components/json-ld";
import { jsonLdText } from "@/lib/structured-data";
import { makeEpisode, makePodcast, makePublishedEpisode, makeUser } from "@/tests/factories";

// The pages and metadata routes read the request's host; here it is localhost.
vi.mock("next/headers", () => ({ headers: async () => new Headers({ host: "localhost", "x-forwarded-proto": "http" }) }));

const sitemap = async () => (await import("./sitemap")).default();

async function show(opts: { private?: boolean } = {}) {
  const user = await makeUser();
  const podcast = await makePodcast(user.viewer, { title: "Search </script><b>Show</b>", author: "Ann" });
  const published = await makePublishedEpisode(user.viewer, podcast.id, { title: "Found episode", seconds: 4 });
  const draft = await makeEpisode(user.viewer, podcast.id, { title: "Draft episode" });
  if (opts.private) await db.update(tables.podcasts).set({ isPrivate: true }).where(eq(tables.podcasts.id, podcast.id));
  return { podcast, published, draft };
}

/** The data of every <JsonLd> in a rendered server component's tree, as a browser would parse it. */
function jsonLdIn(node: ReactNode): unknown[] {
  if (Array.isArray(node)) return node.flatMap(jsonLdIn);
  if (!isValidElement(node)) return [];
  const props = node.props as { children?: ReactNode; data?: unknown };
  if (node.type === JsonLd) return [JSON.parse(jsonLdText(props.data))];
  return jsonLdIn(props.children);
}

describe("sitemap.xml", () => {
  it("lists public shows and their published episodes, never a private show or a draft", async () => {
    const pub = await show();
    const priv = await show({ private: true });
    const urls = (await sitemap()).map((e) => e.url);
    expect(urls).toContain(`http://localhost/p/${pub.podcast.slug}`);
    expect(urls).toContain(`http://localhost/p/${pub.podcast.slug}/${pub.published.slug}`);
    expect(urls).not.toContain(`http://localhost/p/${pub.podcast.slug}/${pub.draft.slug}`);
    expect(urls.filter((u) => u.includes(`/p/${priv.podcast.slug}`))).toEqual([]);
    const entry = (await sitemap()).find((e) => e.url === `http://localhost/p/${pub.podcast.slug}/${pub.published.slug}`);
    expect(entry?.lastModified).toBeInstanceOf(Date);
  });

  it("robots.txt allows the public pages, keeps crawlers out of the dashboard and names the sitemap", async () => {
    const robots = await (await import("./robots")).default();
    expect(robots.sitemap).toBe("http://localhost/sitemap.xml");
    expect(robots.rules).toMatchObject({ userAgent: "*", allow: "/", disallow: expect.arrayContaining(["/dashboard", "/api/"]) });
  });
});

describe("JSON-LD on public pages", () => {
  it("describes the show as a PodcastSeries and the episode as a PodcastEpisode with its audio", async () => {
    const { podcast, published } = await show();
    const showPage = (await import("./p/[slug]/page")).default;
    const [series] = jsonLdIn(await showPage({ params: Promise.resolve({ slug: podcast.slug }) })) as Record<string, unknown>[];
    expect(series).toMatchObject({
      "@context": "https://schema.org",
      "@type": "PodcastSeries",
      name: "Search </script><b>Show</b>",
      url: `http://localhost/p/${podcast.slug}`,
      webFeed: `http://localhost/p/${podcast.slug}/feed.xml`,
      author: { "@type": "Person", name: "Ann" },
    });

    const episodePage = (await import("./p/[slug]/[episode]/page")).default;
    const [episode] = jsonLdIn(await episodePage({ params: Promise.resolve({ slug: podcast.slug, episode: published.slug }) })) as Record<string, unknown>[];
    expect(episode).toMatchObject({
      "@type": "PodcastEpisode",
      name: "Found episode",
      url: `http://localhost/p/${podcast.slug}/${published.slug}`,
      associatedMedia: { "@type": "MediaObject", contentUrl: `http://localhost/p/${podcast.slug}/${published.slug}/audio.mp3`, encodingFormat: "audio/mpeg" },
      partOfSeries: { "@type": "PodcastSeries", url: `http://localhost/p/${podcast.slug}` },
    });
    expect(episode!.datePublished).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("cannot be closed early by a title: < is escaped in the script text", () => {
    const text = jsonLdText({ name: "</script><script>alert(1)</script>" });
    expect(text).not.toContain("<");
    expect(JSON.parse(text)).toEqual({ name: "</script><script>alert(1)</script>" });
  });
});
