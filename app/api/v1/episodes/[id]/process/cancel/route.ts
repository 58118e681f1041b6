import { authed } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { cancelProcessing } from "@/lib/data/processing";

export const POST = authed<{ id: string }>(async ({ viewer, params }) => json(await cancelProcessing(viewer, params.id)), {
  allowSession: true,
});
