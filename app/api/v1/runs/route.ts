import { authed, readQuery } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { listRuns } from "@/lib/data/runs";
import { paginationSchema } from "@/lib/validation/common";

export const GET = authed(async ({ req, viewer }) => json(await listRuns(viewer, readQuery(req, paginationSchema))));
