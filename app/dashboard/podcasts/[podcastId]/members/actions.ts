"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { headers } from "next/headers";
import { requireViewer } from "@/lib/auth/session";
import { inviteMember, removeMember, transferPodcast, updateMember } from "@/lib/data/members";
import { formStateFromError, parseForm, type FormState } from "@/lib/form-state";
import { publicBaseUrl, urls } from "@/lib/urls";
import { inviteMemberSchema, transferPodcastSchema, updateMemberSchema } from "@/lib/validation/members";

/** What the invite form shows after a successful invitation: the link to pass on. */
export interface InviteState extends FormState {
  inviteUrl?: string;
}

export async function inviteMemberAction(podcastId: string, _prev: InviteState, formData: FormData): Promise<InviteState> {
  const viewer = await requireViewer();
  const parsed = parseForm(inviteMemberSchema, { email: formData.get("email") ?? "", role: formData.get("role") ?? "" }, formData);
  if (parsed.state) return parsed.state;
  try {
    const invitation = await inviteMember(viewer, podcastId, parsed.data);
    revalidatePath(`/dashboard/podcasts/${podcastId}/members`);
    return {
      ok: true,
      message: `Invitation for ${invitation.email} created. Send them this link; it works once, for 14 days, and only for that e-mail address.`,
      inviteUrl: urls.invitation(publicBaseUrl({ headers: await headers() }), invitation.inviteToken),
    };
  } catch (err) {
    return formStateFromError(err, formData);
  }
}

export async function updateMemberAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const parsed = parseForm(updateMemberSchema, { role: formData.get("role") ?? "" }, formData);
  if (parsed.state) return parsed.state;
  try {
    await updateMember(viewer, podcastId, String(formData.get("memberId") ?? ""), parsed.data);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath(`/dashboard/podcasts/${podcastId}/members`);
  return { ok: true, message: "Role changed." };
}

/** Removes a member or revokes a pending invitation. */
export async function removeMemberAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  try {
    await removeMember(viewer, podcastId, String(formData.get("memberId") ?? ""));
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath(`/dashboard/podcasts/${podcastId}/members`);
  return { ok: true, message: "Removed." };
}

export async function transferPodcastAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const parsed = parseForm(transferPodcastSchema, { memberId: formData.get("memberId") ?? "" }, formData);
  if (parsed.state) return parsed.state;
  try {
    await transferPodcast(viewer, podcastId, parsed.data.memberId);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath("/dashboard", "layout");
  redirect(`/dashboard/podcasts/${podcastId}/members`);
}
