import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { presignParts } from "@/lib/data/direct-uploads";
import { presignPartsSchema } from "@/lib/validation/media";

/** Presigned PUT URLs for the parts asked for. */
export const POST = authed<{ id: string }>(
  async ({ req, viewer, params }) => json(await presignParts(viewer, params.id, (await readJson(req, presignPartsSchema)).partNumbers)),
  { allowSession: true },
);
