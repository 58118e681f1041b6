"use server";

import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { requireViewer } from "@/lib/auth/session";
import { createApiTokenForViewer, revokeApiToken } from "@/lib/data/tokens";
import { changePassword, signOutEverywhere } from "@/lib/data/users";
import { formStateFromError, formToInput, parseForm, type FormState } from "@/lib/form-state";
import { changePasswordSchema, tokenOptionsSchema } from "@/lib/validation/user";

export type TokenFormState = FormState & { token?: string };

export async function createTokenAction(_prev: TokenFormState, formData: FormData): Promise<TokenFormState> {
  const viewer = await requireViewer();
  const parsed = parseForm(tokenOptionsSchema, formToInput(formData, { text: ["name"], numbers: ["expiresInDays"] }), formData);
  if (parsed.state) return parsed.state;
  try {
    const { token } = await createApiTokenForViewer(viewer, parsed.data);
    revalidatePath("/dashboard/settings");
    return { ok: true, message: "Token created. Copy it now: it is shown only once.", token };
  } catch (err) {
    return formStateFromError(err, formData);
  }
}

export async function revokeTokenAction(tokenId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  try {
    await revokeApiToken(viewer, tokenId);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath("/dashboard/settings");
  return { ok: true };
}

/** The session is void once its version was bumped: drop the cookie too and go to sign-in. */
async function endThisSession(reason: string): Promise<never> {
  const jar = await cookies();
  for (const c of jar.getAll()) if (c.name.includes("next-auth.session-token")) jar.delete(c.name);
  redirect(`/signin?reason=${reason}`);
}

export async function changePasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const parsed = parseForm(
    changePasswordSchema,
    { currentPassword: formData.get("currentPassword") ?? "", newPassword: formData.get("newPassword") ?? "" },
    formData,
  );
  if (parsed.state) return parsed.state;
  try {
    await changePassword(viewer, parsed.data);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  return endThisSession("password-changed");
}

export async function signOutEverywhereAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  try {
    await signOutEverywhere(viewer);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  return endThisSession("signed-out-everywhere");
}
