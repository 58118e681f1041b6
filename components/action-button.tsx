"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/ui";
import { initialFormState, type FormState } from "@/lib/form-state";

/** A one-button form for a server action, showing its outcome. */
export function ActionButton({ action, label, pendingText }: { action: (p: FormState, f: FormData) => Promise<FormState>; label: string; pendingText?: string }) {
  const [state, formAction] = useActionState(action, initialFormState);
  return (
    <form action={formAction} className="space-y-2">
      <SubmitButton pendingText={pendingText}>{label}</SubmitButton>
      <FormMessage message={state.message} ok={state.ok} />
    </form>
  );
}
