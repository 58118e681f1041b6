import { answerSubscriberFeed } from "@/lib/delivery/feed";
import { fromWebRequest } from "@/lib/delivery/types";
import { toWebResponse } from "@/lib/delivery/web";

export const dynamic = "force-dynamic";

/** A subscriber's own feed (lib/delivery/feed.ts): 404 once their token is revoked or rotated. */
export async function GET(req: Request, ctx: { params: Promise<{ token: string }> }) {
  const { token } = await ctx.params;
  return toWebResponse(await answerSubscriberFeed(token, fromWebRequest(req)));
}
