import { getPublicPodcast, listPublishedEpisodes } from "@/lib/data/public";
import { isAppError } from "@/lib/errors";
import { buildFeed, feedEtag, lastModified } from "@/lib/feed";
import { log } from "@/lib/log";
import { publicBaseUrl } from "@/lib/urls";
import { webSubHubs } from "@/lib/websub";

export const dynamic = "force-dynamic";

// Built feeds by ETag: the XML is a pure function of what the ETag hashes, and building it is
// the costly part (≈65 ms for 100 episodes), so podcast apps' polling mostly reuses it.
const built = new Map<string, string>();
const MAX_CACHED = 64;

function cachedFeed(etag: string, build: () => string): string {
  let xml = built.get(etag);
  if (xml === undefined) {
    xml = build();
    if (built.size >= MAX_CACHED) built.delete(built.keys().next().value!);
    built.set(etag, xml);
  }
  return xml;
}

/** The podcast's RSS feed, with strong validators so podcast apps' polling is mostly 304s. */
export async function GET(req: Request, ctx: { params: Promise<{ slug: string }> }) {
  const { slug } = await ctx.params;
  try {
    const podcast = await getPublicPodcast(slug);
    // The show moved to another host: a permanent redirect is how podcast apps learn the new feed.
    if (podcast.movedToFeedUrl) {
      return new Response(null, { status: 301, headers: { Location: podcast.movedToFeedUrl, "Cache-Control": "public, max-age=300" } });
    }
    const episodes = await listPublishedEpisodes(podcast.id);
    const base = publicBaseUrl(req);
    const options = { hubs: webSubHubs() };
    const etag = feedEtag(podcast, episodes, base, options);
    const modified = lastModified(podcast, episodes);
    const headers = {
      ETag: etag,
      "Last-Modified": modified.toUTCString(),
      "Cache-Control": "public, max-age=300, stale-while-revalidate=600",
      Vary: "Accept-Encoding",
    };
    const inm = req.headers.get("if-none-match");
    const ims = req.headers.get("if-modified-since");
    const fresh = inm
      ? inm.split(",").some((t) => t.trim() === etag || t.trim() === "*")
      : ims !== null && !Number.isNaN(Date.parse(ims)) && modified.getTime() <= Date.parse(ims);
    if (fresh) return new Response(null, { status: 304, headers });
    return new Response(cachedFeed(etag, () => buildFeed(podcast, episodes, base, options)), {
      headers: { ...headers, "Content-Type": "application/rss+xml; charset=utf-8" },
    });
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") {
      return new Response("No such podcast.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
    log.error("generating a feed failed", { err });
    return new Response("The feed could not be generated.", { status: 500, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
