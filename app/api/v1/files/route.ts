import { authed, readQuery } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { ingestUpload, listMediaFiles, uploadAllowance } from "@/lib/data/media";
import { receiveUpload } from "@/lib/uploads/receive";
import { listFilesSchema } from "@/lib/validation/media";

export const GET = authed(async ({ req, viewer }) => json(await listMediaFiles(viewer, readQuery(req, listFilesSchema))), {
  allowSession: true,
});

/** multipart/form-data with the file in the field `file`; 201 when stored, 200 when the same bytes were already there. */
export const POST = authed(
  async ({ req, viewer }) => {
    // The per-file limit and the user's remaining quota, both enforced while streaming.
    const received = await receiveUpload(req, await uploadAllowance(viewer));
    const { file, created } = await ingestUpload(viewer, received);
    return json(file, created ? 201 : 200);
  },
  { allowSession: true },
);
