import { z } from "zod";
import { open, readQuery } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { checkOembedFormat, oembedFor } from "@/lib/oembed";
import { publicBaseUrl } from "@/lib/urls";

const querySchema = z.object({
  url: z.string().min(1, "Give the URL of a public episode or show page."),
  format: z.string().optional(),
  maxwidth: z.coerce.number().int().positive().optional(),
  maxheight: z.coerce.number().int().positive().optional(),
});

/** oEmbed provider endpoint (https://oembed.com): public episode and show pages only. */
export const GET = open(async ({ req }) => {
  checkOembedFormat(new URL(req.url).searchParams.get("format"));
  const q = readQuery(req, querySchema);
  const body = await oembedFor({ url: q.url, base: publicBaseUrl(req), maxwidth: q.maxwidth, maxheight: q.maxheight });
  return json(body, 200, { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" });
});
