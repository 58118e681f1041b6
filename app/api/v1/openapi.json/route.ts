import { json } from "@/lib/api/respond";
import { buildOpenApiDocument } from "@/lib/api/openapi";

export const dynamic = "force-static";

export function GET() {
  return json(buildOpenApiDocument());
}
