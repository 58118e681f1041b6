"use client";

import { useActionState, useState } from "react";
import { FormMessage, SubmitButton, buttonClass } from "@/components/ui";
import { initialFormState, type FormState } from "@/lib/form-state";

/** Delete with a confirmation step; shows the reason if the delete is refused. */
export function DeleteButton({
  action,
  what,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  what: string;
}) {
  const [confirming, setConfirming] = useState(false);
  const [state, formAction] = useActionState(action, initialFormState);
  if (!confirming) {
    return (
      <button type="button" className={buttonClass("secondary")} onClick={() => setConfirming(true)}>
        Delete {what}
      </button>
    );
  }
  return (
    <form action={formAction} className="space-y-2 rounded-md border border-red-200 bg-red-50 p-3" role="group" aria-label={`Confirm deleting ${what}`}>
      <FormMessage message={state.message} />
      <p className="text-sm text-red-800">Delete this {what}? This cannot be undone.</p>
      <div className="flex gap-2">
        <SubmitButton variant="danger" pendingText="Deleting…">Yes, delete {what}</SubmitButton>
        <button type="button" className={buttonClass("secondary")} onClick={() => setConfirming(false)} autoFocus>
          Cancel
        </button>
      </div>
    </form>
  );
}
