import { recordDownload, clientIp } from "@/lib/analytics";
import { getPublishedEpisode } from "@/lib/data/public";
import { openStoredFile } from "@/lib/data/stored-file";
import { isAppError } from "@/lib/errors";
import { parseRange, serveRanges } from "@/lib/http/ranges";
import { log } from "@/lib/log";
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
    if (req.method !== "GET" || ![200, 206, 302].includes(res.status)) return res;
    const range = res.status === 200 ? null : parseRange(req.headers.get("range") ?? "", file.size);
    if (range === "unsatisfiable") return res;
    const record = (served: { start: number; end: number } | null) =>
      recordDownload({
        episodeId: episode.id,
        podcastId: podcast.id,
        ip: clientIp(req),
        userAgent: req.headers.get("user-agent") ?? "",
        range: served,
        totalBytes: file.size,
        durationSeconds: episode.durationSeconds,
        storageKey: episode.audio.storageKey,
      });
    // A redirect: the bucket sends the bytes, so what was asked for is all there is to count.
    if (location) {
      record(range);
      return res;
    }
    // Streamed here: count the bytes that really went out, so a player that opens the whole
    // file and stops after its metadata (a page with <audio preload="metadata">) is no download.
    const start = range?.start ?? 0;
    return countBytesSent(res, (sent) => {
      if (sent > 0) record({ start, end: start + sent - 1 });
    });
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") return new Response("Not found.", { status: 404 });
    log.error("serving an episode's audio failed", { err });
    return new Response("The audio could not be served.", { status: 500 });
  }
}

/**
 * `res` with a body that tells `onEnd` how many bytes the client pulled, once: when the body is
 * finished, fails, or is cancelled (the listener went away).
 */
function countBytesSent(res: Response, onEnd: (sent: number) => void): Response {
  if (!res.body) return res;
  const reader = res.body.getReader();
  let sent = 0;
  let ended = false;
  const end = () => {
    if (!ended) onEnd(sent);
    ended = true;
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await reader.read();
          if (done) {
            controller.close();
            end();
            return;
          }
          sent += value.byteLength;
          controller.enqueue(value);
        } catch (err) {
          controller.error(err);
          end();
        }
      },
      cancel(reason) {
        end();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: res.status, headers: res.headers });
}

export { audio as GET, audio as HEAD };
