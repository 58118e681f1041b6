import { authed } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { abortDirectUpload, getDirectUpload } from "@/lib/data/direct-uploads";

type Params = { id: string };

export const GET = authed<Params>(async ({ viewer, params }) => json(await getDirectUpload(viewer, params.id)), { allowSession: true });

export const DELETE = authed<Params>(
  async ({ viewer, params }) => {
    await abortDirectUpload(viewer, params.id);
    return new Response(null, { status: 204 });
  },
  { allowSession: true },
);
