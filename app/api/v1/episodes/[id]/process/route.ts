import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { startProcessing } from "@/lib/data/processing";
import { startProcessingSchema } from "@/lib/validation/processing";

/** Queues a mastering run; 202 with the processing to poll on GET /episodes/{id}. */
export const POST = authed<{ id: string }>(async ({ req, viewer, params }) => {
  const input = await readJson(req, startProcessingSchema);
  return json(await startProcessing(viewer, params.id, input), 202);
});
