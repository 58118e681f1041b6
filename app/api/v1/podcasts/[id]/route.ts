import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { deletePodcast, getPodcast, updatePodcast } from "@/lib/data/podcasts";
import { updatePodcastSchema } from "@/lib/validation/podcast";

type Params = { id: string };

export const GET = authed<Params>(async ({ viewer, params }) => json(await getPodcast(viewer, params.id)));

export const PATCH = authed<Params>(async ({ req, viewer, params }) => {
  const patch = await readJson(req, updatePodcastSchema);
  return json(await updatePodcast(viewer, params.id, patch));
});

export const DELETE = authed<Params>(async ({ viewer, params }) => {
  await deletePodcast(viewer, params.id);
  return new Response(null, { status: 204 });
});
