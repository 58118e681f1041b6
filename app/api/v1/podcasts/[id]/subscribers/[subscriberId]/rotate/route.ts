import { authed } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { rotateSubscriber } from "@/lib/data/subscribers";
import { publicBaseUrl } from "@/lib/urls";

type Params = { id: string; subscriberId: string };

/** A new feed URL for the subscriber; the old one stops working. */
export const POST = authed<Params>(async ({ req, viewer, params }) =>
  json(await rotateSubscriber(viewer, params.id, params.subscriberId, publicBaseUrl(req))),
);
