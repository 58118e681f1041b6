import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { transferPodcast } from "@/lib/data/members";
import { transferPodcastSchema } from "@/lib/validation/members";

type Params = { id: string };

/** Makes another member the owner; the old owner becomes an admin. */
export const POST = authed<Params>(async ({ req, viewer, params }) => {
  const { memberId } = await readJson(req, transferPodcastSchema);
  return json({ items: await transferPodcast(viewer, params.id, memberId), nextCursor: null });
});
