"use client";

import { useActionState } from "react";
import { inputClass } from "@/components/styles";
import { initialFormState, type FormState } from "@/lib/form-state";

export function RenameForm({ action, name }: { action: (p: FormState, f: FormData) => Promise<FormState>; name: string }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  return (
    <form action={formAction} className="flex min-w-0 items-center gap-2">
      <label className="sr-only" htmlFor={`rename-${name}`}>File name</label>
      <input id={`rename-${name}`} name="originalFilename" defaultValue={state.values?.originalFilename ?? name} className={`${inputClass} py-1`} aria-invalid={state.fields ? true : undefined} />
      <button type="submit" disabled={pending} className="min-h-11 shrink-0 px-2 text-sm text-indigo-700 underline">Rename</button>
      {state.fields?.originalFilename && <span role="alert" className="text-sm text-red-600">{state.fields.originalFilename}</span>}
    </form>
  );
}
