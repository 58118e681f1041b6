"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/ui";
import { initialFormState } from "@/lib/form-state";
import { changePasswordAction, signOutEverywhereAction } from "./actions";

export function ChangePasswordForm() {
  const [state, action] = useActionState(changePasswordAction, initialFormState);
  return (
    <form action={action} noValidate className="space-y-4" aria-label="Change password">
      <FormMessage message={state.message} ok={state.ok} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={state.fields?.currentPassword} />
        <TextField
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint="At least 8 characters."
          error={state.fields?.newPassword}
        />
      </div>
      <SubmitButton pendingText="Changing…">Change password</SubmitButton>
    </form>
  );
}

export function SignOutEverywhereForm() {
  const [state, action] = useActionState(signOutEverywhereAction, initialFormState);
  return (
    <form action={action} className="space-y-2">
      <FormMessage message={state.message} ok={state.ok} />
      <SubmitButton variant="danger" pendingText="Signing out…">Sign out of all sessions</SubmitButton>
    </form>
  );
}
