"use client";

import { useActionState } from "react";
import { CopyButton } from "@/components/copy-button";
import { FormMessage, SelectField, SubmitButton, TextField } from "@/components/ui";
import { inputClass } from "@/components/styles";
import { initialFormState, type FormState } from "@/lib/form-state";

type Action<S extends FormState = FormState> = (prev: S, formData: FormData) => Promise<S>;

const ROLE_OPTIONS = (
  <>
    <option value="viewer">Viewer: reads the show, episodes and analytics</option>
    <option value="editor">Editor: episodes, processing, publishing</option>
    <option value="admin">Admin: everything but deleting and transferring</option>
  </>
);

/** Invite by e-mail and role; on success shows the one-time link to copy. */
export function InviteForm({ action }: { action: Action<FormState & { inviteUrl?: string }> }) {
  const [state, formAction] = useActionState(action, initialFormState as FormState & { inviteUrl?: string });
  return (
    <form action={formAction} className="space-y-3" aria-label="Invite a member">
      <FormMessage message={state.message} ok={state.ok} />
      {state.inviteUrl && (
        <div className="flex flex-wrap items-center gap-2">
          <input readOnly value={state.inviteUrl} aria-label="Invitation link" className={`${inputClass} font-mono text-xs`} />
          <CopyButton text={state.inviteUrl} label="Copy the invitation link" />
        </div>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="E-mail" name="email" type="email" required defaultValue={state.ok ? "" : state.values?.email} error={state.fields?.email} />
        <SelectField label="Role" name="role" defaultValue={state.values?.role ?? "editor"} error={state.fields?.role}>
          {ROLE_OPTIONS}
        </SelectField>
      </div>
      <SubmitButton pendingText="Inviting…">Create invitation</SubmitButton>
    </form>
  );
}

/** A member's role, changed in place. */
export function RoleForm({ action, memberId, role, label }: { action: Action; memberId: string; role: string; label: string }) {
  const [state, formAction] = useActionState(action, initialFormState);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="memberId" value={memberId} />
      <select name="role" defaultValue={role} aria-label={label} className={inputClass}>
        <option value="viewer">Viewer</option>
        <option value="editor">Editor</option>
        <option value="admin">Admin</option>
      </select>
      <SubmitButton pendingText="Saving…">Change role</SubmitButton>
      <FormMessage message={state.message} ok={state.ok} />
    </form>
  );
}

/** Remove a member, revoke an invitation, or hand the show over: one button with a hidden member id. */
export function MemberButton({ action, memberId, label, variant }: { action: Action; memberId: string; label: string; variant?: "primary" | "danger" }) {
  const [state, formAction] = useActionState(action, initialFormState);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="memberId" value={memberId} />
      <SubmitButton variant={variant}>{label}</SubmitButton>
      <FormMessage message={state.message} ok={state.ok} />
    </form>
  );
}

/** The invitee's accept button. */
export function AcceptInvitationForm({ action, token }: { action: Action; token: string }) {
  const [state, formAction] = useActionState(action, initialFormState);
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="token" value={token} />
      <FormMessage message={state.message} ok={state.ok} />
      <SubmitButton pendingText="Joining…">Accept invitation</SubmitButton>
    </form>
  );
}
