import { authed } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { getRun } from "@/lib/data/runs";

export const GET = authed<{ id: string }>(async ({ viewer, params }) => json(await getRun(viewer, params.id)));
