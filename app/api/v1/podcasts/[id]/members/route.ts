import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { inviteMember, listMembers } from "@/lib/data/members";
import { urls, publicBaseUrl } from "@/lib/urls";
import { inviteMemberSchema } from "@/lib/validation/members";

type Params = { id: string };

/** The show's members (owner included) and pending invitations. */
export const GET = authed<Params>(async ({ viewer, params }) => json({ items: await listMembers(viewer, params.id), nextCursor: null }));

/** Invites by e-mail and role: the answer carries the link to pass on (shown once). */
export const POST = authed<Params>(async ({ req, viewer, params }) => {
  const invitation = await inviteMember(viewer, params.id, await readJson(req, inviteMemberSchema));
  return json({ ...invitation, inviteUrl: urls.invitation(publicBaseUrl(req), invitation.inviteToken) }, 201);
});
