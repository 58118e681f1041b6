import { reportQuerySchema } from "@/lib/analytics/days";
import { authed, readQuery } from "@/lib/api/handler";
import { exportDownloadsCsv } from "@/lib/data/analytics";

type Params = { id: string };

/** The same downloads as CSV, one line per day, episode, app and device. */
export const GET = authed<Params>(
  async ({ req, viewer, params }) => {
    const query = readQuery(req, reportQuerySchema);
    const csv = await exportDownloadsCsv(viewer, params.id, query);
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="downloads-${query.from}-to-${query.to}.csv"`,
        "Cache-Control": "private, no-store",
      },
    });
  },
  { allowSession: true },
);
