import { json } from "@/lib/api/respond";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Database, storage and job executor, for load balancers: 200 when all are ok, else 503 naming the failed part. */
export async function GET() {
  const report = await checkHealth();
  return json(report, report.status === "ok" ? 200 : 503, { "Cache-Control": "no-store" });
}
