import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { publishEpisode } from "@/lib/data/publishing";
import { publishSchema } from "@/lib/validation/episode";

/** Publish now (no body, or `{}`), or schedule with `{"at": ISO date}`. */
export const POST = authed<{ id: string }>(async ({ req, viewer, params }) => {
  const hasBody = req.headers.get("content-length") !== "0" && req.headers.has("content-type");
  const { at } = hasBody ? await readJson(req, publishSchema) : { at: null };
  return json(await publishEpisode(viewer, params.id, at));
});
