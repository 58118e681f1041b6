import { answerFeed } from "@/lib/delivery/feed";
import { fromWebRequest } from "@/lib/delivery/types";
import { toWebResponse } from "@/lib/delivery/web";

export const dynamic = "force-dynamic";

/**
 * The podcast's RSS feed, with strong validators so podcast apps' polling is mostly 304s
 * (lib/delivery/feed.ts). `npm start` answers the same from its fast path before reaching here.
 */
export async function GET(req: Request, ctx: { params: Promise<{ slug: string }> }) {
  const { slug } = await ctx.params;
  return toWebResponse(await answerFeed(slug, fromWebRequest(req)));
}
