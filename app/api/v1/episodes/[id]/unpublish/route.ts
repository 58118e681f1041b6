import { authed } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { unpublishEpisode } from "@/lib/data/publishing";

export const POST = authed<{ id: string }>(async ({ viewer, params }) => json(await unpublishEpisode(viewer, params.id)));
