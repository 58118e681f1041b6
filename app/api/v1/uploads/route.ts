import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { startDirectUpload } from "@/lib/data/direct-uploads";
import { startDirectUploadSchema } from "@/lib/validation/media";

/** Begin a direct upload to object storage (lib/data/direct-uploads.ts); 409 when media is on local disk. */
export const POST = authed(
  async ({ req, viewer }) => json(await startDirectUpload(viewer, await readJson(req, startDirectUploadSchema)), 201),
  { allowSession: true },
);
