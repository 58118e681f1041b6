import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { removeMember, updateMember } from "@/lib/data/members";
import { updateMemberSchema } from "@/lib/validation/members";

type Params = { id: string; memberId: string };

/** Changes a member's or a pending invitation's role. */
export const PATCH = authed<Params>(async ({ req, viewer, params }) =>
  json(await updateMember(viewer, params.id, params.memberId, await readJson(req, updateMemberSchema))),
);

/** Removes a member, or revokes a pending invitation. */
export const DELETE = authed<Params>(async ({ viewer, params }) => {
  await removeMember(viewer, params.id, params.memberId);
  return new Response(null, { status: 204 });
});
