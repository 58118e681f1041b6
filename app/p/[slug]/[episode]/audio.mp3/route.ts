import { answerAudio } from "@/lib/delivery/audio";
import { fromWebRequest } from "@/lib/delivery/types";
import { toWebResponse } from "@/lib/delivery/web";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ slug: string; episode: string }> };

/**
 * The enclosure: a published episode's MP3 with byte ranges, counted by analytics
 * (lib/delivery/audio.ts). `npm start` answers the same from its fast path before reaching here.
 */
async function audio(req: Request, ctx: Context) {
  const { slug, episode } = await ctx.params;
  return toWebResponse(await answerAudio(slug, episode, fromWebRequest(req)));
}

export { audio as GET, audio as HEAD };
