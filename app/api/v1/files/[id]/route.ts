import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { deleteMediaFile, getMediaFile, renameMediaFile } from "@/lib/data/media";
import { renameFileSchema } from "@/lib/validation/media";

type Params = { id: string };

export const GET = authed<Params>(async ({ viewer, params }) => json(await getMediaFile(viewer, params.id)), { allowSession: true });

export const PATCH = authed<Params>(
  async ({ req, viewer, params }) => {
    const { originalFilename } = await readJson(req, renameFileSchema);
    return json(await renameMediaFile(viewer, params.id, originalFilename));
  },
  { allowSession: true },
);

export const DELETE = authed<Params>(
  async ({ viewer, params }) => {
    await deleteMediaFile(viewer, params.id);
    return new Response(null, { status: 204 });
  },
  { allowSession: true },
);
