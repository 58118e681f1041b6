import "server-only";
import { clientIp, recordDownload } from "@/lib/analytics";
import { getPublishedEnclosure, type Enclosure } from "@/lib/data/public";
import { getSubscriberEnclosure } from "@/lib/data/subscriber-feed";
import { openStoredFile } from "@/lib/data/stored-file";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { parseRange, planRanges } from "@/lib/http/ranges";
import { isHttpsRequest, resourceSecurityHeaders } from "@/lib/http/security-headers";
import { log } from "@/lib/log";
import { deliveryUrl } from "@/lib/storage";
import { renamedShowRedirect, textAnswer } from "./feed";
import type { DeliveryAnswer, DeliveryRequest } from "./types";

/**
 * The enclosure answer, shared by the Next route and `npm start`'s fast path: a published
 * episode's MP3 (or its Opus rendition, `audio.opus`) from storage with byte ranges (lib/http/ranges.ts). Each GET is handed to
 * analytics without waiting (downloads are counted in the background). With object storage the
 * request is counted here, then redirected to a short-lived presigned URL (or the public CDN
 * base), which the player re-sends its Range to. Streamed here, the bytes that really went out
 * are counted, so a player that opens the whole file and stops after its metadata (a page with
 * <audio preload="metadata">) is no download.
 */
export async function answerAudio(podcastSlug: string, episodeSlug: string, req: DeliveryRequest, rendition: Rendition = "mp3"): Promise<DeliveryAnswer> {
  const answer = await answerEnclosure(() => getPublishedEnclosure(podcastSlug, episodeSlug, rendition), req, "public, max-age=300", rendition);
  if (answer.status !== 404) return answer;
  // A renamed show's old enclosure URLs (in apps' caches and downloaded feeds) follow it.
  const security = resourceSecurityHeaders({ https: isHttpsRequest(req.header("x-forwarded-proto"), getEnv().PUBLIC_URL), embeddable: true });
  return (await renamedShowRedirect(req, podcastSlug, `/${encodeURIComponent(episodeSlug)}/audio.${rendition}`, security)) ?? answer;
}

/**
 * A subscriber's audio URL (/s/<token>/<episode>/audio.mp3 or .opus): the same answer, for any
 * published episode of their show, counted for them; 404 once the token is revoked or rotated.
 * Private to the one listener, so no shared cache keeps it past a revocation.
 */
export async function answerSubscriberAudio(token: string, episodeSlug: string, req: DeliveryRequest, rendition: Rendition = "mp3"): Promise<DeliveryAnswer> {
  return answerEnclosure(() => getSubscriberEnclosure(token, episodeSlug, rendition), req, "private, max-age=300", rendition);
}

type Rendition = "mp3" | "opus";

async function answerEnclosure(
  find: () => Promise<Enclosure & { subscriberId?: string }>,
  req: DeliveryRequest,
  cacheControl: string,
  rendition: Rendition,
): Promise<DeliveryAnswer> {
  const security = resourceSecurityHeaders({ https: isHttpsRequest(req.header("x-forwarded-proto"), getEnv().PUBLIC_URL), embeddable: true });
  try {
    const enclosure = await find();
    // Ogg Opus is sent as audio/ogg (RFC 7845), the type browsers' <audio> and apps recognise;
    // "audio/opus" names the codec in the feed, where apps choose between renditions.
    const stored = rendition === "opus" ? { ...enclosure.audio, mimeType: "audio/ogg" } : enclosure.audio;
    const file = await openStoredFile(stored);
    const location = await deliveryUrl(enclosure.audio.storageKey, { contentType: file.contentType });
    const record = (served: { start: number; end: number } | null) =>
      recordDownload({
        episodeId: enclosure.episodeId,
        podcastId: enclosure.podcastId,
        ip: clientIp({ headers: { get: (name) => req.header(name) ?? null } }),
        userAgent: req.header("user-agent") ?? "",
        range: served,
        totalBytes: file.size,
        durationSeconds: enclosure.durationSeconds,
        storageKey: enclosure.audio.storageKey,
        subscriberId: enclosure.subscriberId,
      });
    if (location) {
      // A presigned URL expires: never let a cache keep the redirect. The bucket sends the
      // bytes, so what was asked for is all there is to count.
      const asked = parseRange(req.header("range") ?? "", file.size);
      if (req.method === "GET" && asked !== "unsatisfiable") record(asked);
      return { status: 302, headers: { ...security, Location: location, "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*" } };
    }
    const plan = planRanges(req.method, req.header, file, { ...security, "Cache-Control": cacheControl, "Access-Control-Allow-Origin": "*" });
    if (!plan.send) return { status: plan.status, headers: plan.headers };
    const range = plan.send.range;
    const counted = req.method === "GET";
    return {
      status: plan.status,
      headers: plan.headers,
      stream: {
        open: () => file.open(range ?? undefined),
        sent: (bytes) => {
          const start = range?.start ?? 0;
          if (counted && bytes > 0) record({ start, end: start + bytes - 1 });
        },
      },
    };
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") return textAnswer(404, "Not found.", security);
    log.error("serving an episode's audio failed", { err });
    return textAnswer(500, "The audio could not be served.", security);
  }
}
