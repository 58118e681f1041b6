import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { deleteEpisode, getEpisode, updateEpisode } from "@/lib/data/episodes";
import { getProcessing } from "@/lib/data/processing";
import { updateEpisodeSchema } from "@/lib/validation/episode";

type Params = { id: string };

/** An episode with its newest processing (`processing`: null when it was never processed). */
export const GET = authed<Params>(
  async ({ viewer, params }) => {
    const episode = await getEpisode(viewer, params.id);
    return json({ ...episode, processing: await getProcessing(viewer, params.id) });
  },
  { allowSession: true },
);

export const PATCH = authed<Params>(async ({ req, viewer, params }) => {
  const patch = await readJson(req, updateEpisodeSchema);
  return json(await updateEpisode(viewer, params.id, patch));
});

export const DELETE = authed<Params>(async ({ viewer, params }) => {
  await deleteEpisode(viewer, params.id);
  return new Response(null, { status: 204 });
});
