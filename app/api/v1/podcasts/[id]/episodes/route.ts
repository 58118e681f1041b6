import { authed, readJson, readQuery } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { createEpisode, listEpisodes } from "@/lib/data/episodes";
import { paginationSchema } from "@/lib/validation/common";
import { createEpisodeSchema } from "@/lib/validation/episode";

type Params = { id: string };

export const GET = authed<Params>(async ({ req, viewer, params }) =>
  json(await listEpisodes(viewer, params.id, readQuery(req, paginationSchema))),
);

export const POST = authed<Params>(async ({ req, viewer, params }) => {
  const input = await readJson(req, createEpisodeSchema);
  return json(await createEpisode(viewer, params.id, input), 201);
});
