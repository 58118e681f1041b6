"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/ui";
import { initialFormState } from "@/lib/form-state";
import { startImportAction } from "./actions";

/** The feed URL form of "Import a podcast". */
export function ImportForm() {
  const [state, action] = useActionState(startImportAction, initialFormState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <TextField
        label="Feed URL"
        name="feedUrl"
        type="url"
        placeholder="https://feeds.example.com/my-show.xml"
        defaultValue={state.values?.feedUrl}
        error={state.fields?.feedUrl}
        hint="Your show's RSS feed at your current host. Importing a feed you imported before adds only its new episodes."
        required
      />
      <FormMessage message={state.fields?.feedUrl ? undefined : state.message} ok={state.ok} />
      <SubmitButton pendingText="Starting…">Import podcast</SubmitButton>
    </form>
  );
}
