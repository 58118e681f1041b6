import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { completeDirectUpload } from "@/lib/data/direct-uploads";
import { completeDirectUploadSchema } from "@/lib/validation/media";

/** Join the parts and add the file to the library: 201, or 200 when the same bytes are already there. */
export const POST = authed<{ id: string }>(
  async ({ req, viewer, params }) => {
    const { file, created } = await completeDirectUpload(viewer, params.id, (await readJson(req, completeDirectUploadSchema)).parts);
    return json(file, created ? 201 : 200);
  },
  { allowSession: true },
);
