import { authed, readJson, readQuery } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { createPodcast, listPodcasts } from "@/lib/data/podcasts";
import { paginationSchema } from "@/lib/validation/common";
import { createPodcastSchema } from "@/lib/validation/podcast";

export const GET = authed(async ({ req, viewer }) => json(await listPodcasts(viewer, readQuery(req, paginationSchema))));

export const POST = authed(async ({ req, viewer }) => {
  const input = await readJson(req, createPodcastSchema);
  return json(await createPodcast(viewer, input), 201);
});
