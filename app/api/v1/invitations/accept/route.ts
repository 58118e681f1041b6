import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { acceptInvitation } from "@/lib/data/members";
import { acceptInvitationSchema } from "@/lib/validation/members";

/** The signed-in user accepts an invitation sent to their e-mail address. */
export const POST = authed(async ({ req, viewer }) => {
  const { token } = await readJson(req, acceptInvitationSchema);
  return json(await acceptInvitation(viewer, token));
});
