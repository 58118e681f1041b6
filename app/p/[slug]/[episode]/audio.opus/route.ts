import { answerAudio } from "@/lib/delivery/audio";
import { fromWebRequest } from "@/lib/delivery/types";
import { toWebResponse } from "@/lib/delivery/web";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ slug: string; episode: string }> };

/**
 * The Opus rendition (podcast:alternateEnclosure): the same byte ranges, analytics and storage
 * redirect as the MP3 (lib/delivery/audio.ts); 404 while the podcast's renditions are off.
 * `npm start` answers the same from its fast path before reaching here.
 */
async function opus(req: Request, ctx: Context) {
  const { slug, episode } = await ctx.params;
  return toWebResponse(await answerAudio(slug, episode, fromWebRequest(req), "opus"));
}

export { opus as GET, opus as HEAD };
