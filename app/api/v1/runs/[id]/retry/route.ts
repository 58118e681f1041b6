import { authed } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { retryRun } from "@/lib/data/runs";

export const POST = authed<{ id: string }>(async ({ viewer, params }) => json(await retryRun(viewer, params.id), 202));
