import { answerSubscriberAudio } from "@/lib/delivery/audio";
import { fromWebRequest } from "@/lib/delivery/types";
import { toWebResponse } from "@/lib/delivery/web";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ token: string; episode: string }> };

/** A subscriber's Opus rendition: byte ranges, counted for them (lib/delivery/audio.ts); 404 once revoked or while renditions are off. */
async function opus(req: Request, ctx: Context) {
  const { token, episode } = await ctx.params;
  return toWebResponse(await answerSubscriberAudio(token, episode, fromWebRequest(req), "opus"));
}

export { opus as GET, opus as HEAD };
