import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { createSubscriber, listSubscribers } from "@/lib/data/subscribers";
import { publicBaseUrl } from "@/lib/urls";
import { createSubscriberSchema } from "@/lib/validation/subscriber";

type Params = { id: string };

/** The show's subscribers with their private feed URLs (revoked ones too, without a URL). */
export const GET = authed<Params>(async ({ req, viewer, params }) =>
  json({ items: await listSubscribers(viewer, params.id, publicBaseUrl(req)), nextCursor: null }),
);

/** Adds a subscriber: 201 with their private feed URL. */
export const POST = authed<Params>(async ({ req, viewer, params }) => {
  const input = await readJson(req, createSubscriberSchema);
  return json(await createSubscriber(viewer, params.id, input, publicBaseUrl(req)), 201);
});
