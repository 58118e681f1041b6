import { authed } from "@/lib/api/handler";
import { revokeSubscriber } from "@/lib/data/subscribers";

type Params = { id: string; subscriberId: string };

/** Revokes the subscriber: their feed and its file URLs answer 404 from now on. */
export const DELETE = authed<Params>(async ({ viewer, params }) => {
  await revokeSubscriber(viewer, params.id, params.subscriberId);
  return new Response(null, { status: 204 });
});
