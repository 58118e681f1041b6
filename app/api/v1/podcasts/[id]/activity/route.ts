import { authed } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { listActivity } from "@/lib/data/activity";

type Params = { id: string };

/** Who did what to the show, newest first (the latest 100). */
export const GET = authed<Params>(async ({ viewer, params }) => json({ items: await listActivity(viewer, params.id, { limit: 100 }), nextCursor: null }));
