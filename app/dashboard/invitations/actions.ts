"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireViewer } from "@/lib/auth/session";
import { acceptInvitation } from "@/lib/data/members";
import { formStateFromError, parseForm, type FormState } from "@/lib/form-state";
import { acceptInvitationSchema } from "@/lib/validation/members";

/** The signed-in invitee accepts: they join the show and land on it. */
export async function acceptInvitationAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const parsed = parseForm(acceptInvitationSchema, { token: formData.get("token") ?? "" }, formData);
  if (parsed.state) return parsed.state;
  let podcastId: string;
  try {
    podcastId = (await acceptInvitation(viewer, parsed.data.token)).podcastId;
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath("/dashboard", "layout");
  redirect(`/dashboard/podcasts/${podcastId}`);
}
