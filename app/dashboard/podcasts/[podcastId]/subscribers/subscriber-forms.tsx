"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/ui";
import { initialFormState, type FormState } from "@/lib/form-state";

type Action = (prev: FormState, formData: FormData) => Promise<FormState>;

export function AddSubscriberForm({ action }: { action: Action }) {
  const [state, formAction] = useActionState(action, initialFormState);
  const f = state.fields ?? {};
  return (
    <form action={formAction} noValidate className="space-y-3">
      <FormMessage message={state.message} ok={state.ok} />
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Name" name="name" required defaultValue={state.ok ? "" : state.values?.name} error={f.name} />
        <TextField label="E-mail" name="email" type="email" required defaultValue={state.ok ? "" : state.values?.email} error={f.email} />
      </div>
      <SubmitButton>Add subscriber</SubmitButton>
    </form>
  );
}

export function ImportSubscribersForm({ action }: { action: Action }) {
  const [state, formAction] = useActionState(action, initialFormState);
  return (
    <form action={formAction} className="space-y-3">
      <FormMessage message={state.message} ok={state.ok} />
      <label className="block text-sm font-medium" htmlFor="csv">
        CSV file (name,email on each line; a header line is optional)
      </label>
      <input id="csv" name="csv" type="file" accept=".csv,text/csv,text/plain" className="block text-sm" />
      {state.fields?.csv && <p className="text-sm text-red-700">{state.fields.csv}</p>}
      <SubmitButton>Import</SubmitButton>
    </form>
  );
}

/** Revoke or rotate one subscriber. */
export function SubscriberAction({ action, subscriberId, label, variant }: { action: Action; subscriberId: string; label: string; variant?: "primary" | "danger" }) {
  const [state, formAction] = useActionState(action, initialFormState);
  return (
    <form action={formAction} className="inline-block space-y-1">
      <input type="hidden" name="subscriberId" value={subscriberId} />
      <SubmitButton variant={variant}>{label}</SubmitButton>
      <FormMessage message={state.message} ok={state.ok} />
    </form>
  );
}
