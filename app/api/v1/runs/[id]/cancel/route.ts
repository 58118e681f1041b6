import { authed } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { cancelRun } from "@/lib/data/runs";

export const POST = authed<{ id: string }>(async ({ viewer, params }) => json(await cancelRun(viewer, params.id)));
