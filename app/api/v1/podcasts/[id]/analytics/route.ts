import { reportQuerySchema } from "@/lib/analytics/days";
import { authed, readQuery } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { getDownloadsReport } from "@/lib/data/analytics";

type Params = { id: string };

/** Downloads of a podcast (or `?episodeId=`) per UTC day, by episode, app and device; `?from=&to=` (YYYY-MM-DD). */
export const GET = authed<Params>(
  async ({ req, viewer, params }) => json(await getDownloadsReport(viewer, params.id, readQuery(req, reportQuerySchema))),
  { allowSession: true },
);
