import { authed } from "@/lib/api/handler";
import { revokeApiToken } from "@/lib/data/tokens";

export const DELETE = authed<{ id: string }>(async ({ viewer, params }) => {
  await revokeApiToken(viewer, params.id);
  return new Response(null, { status: 204 });
});
