import { recordDownload, clientIp } from "@/lib/analytics";
import { getPublishedEpisode, openStoredFile } from "@/lib/data/public";
import { isAppError } from "@/lib/errors";
import { parseRange, serveRanges } from "@/lib/http/ranges";
import { deliveryUrl } from "@/lib/storage";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ slug: string; episode: string }> };

/**
 * The enclosure: a published episode's MP3, streamed from storage with byte ranges. Each GET is
 * handed to analytics without waiting (downloads are counted in the background). With object
 * storage the bytes come from the bucket: the request is counted here, then redirected to a
 * short-lived presigned URL (or the public CDN base), which the player re-sends its Range to.
 */
async function audio(req: Request, ctx: Context) {
  const { slug, episode: episodeSlug } = await ctx.params;
  try {
    const { podcast, episode } = await getPublishedEpisode(slug, episodeSlug);
    const file = await openStoredFile(episode.audio);
    const location = await deliveryUrl(episode.audio.storageKey, { contentType: file.contentType });
    const res = location
      ? new Response(null, {
          status: 302,
          // A presigned URL expires: never let a cache keep the redirect.
          headers: { Location: location, "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*" },
        })
      : serveRanges(req, file, { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" });
    if (req.method === "GET" && (res.status === 200 || res.status === 206 || res.status === 302)) {
      const range = res.status === 200 ? null : parseRange(req.headers.get("range") ?? "", file.size);
      if (range !== "unsatisfiable") recordDownload({
        episodeId: episode.id,
        podcastId: podcast.id,
        ip: clientIp(req),
        userAgent: req.headers.get("user-agent") ?? "",
        range,
        totalBytes: file.size,
        durationSeconds: episode.durationSeconds,
        storageKey: episode.audio.storageKey,
      });
    }
    return res;
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") return new Response("Not found.", { status: 404 });
    console.error("[audio] failed", err);
    return new Response("The audio could not be served.", { status: 500 });
  }
}

export { audio as GET, audio as HEAD };
