"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/ui";
import { createTokenAction, type TokenFormState } from "./actions";

export function TokenForm() {
  const [state, action] = useActionState(createTokenAction, {} as TokenFormState);
  return (
    <form action={action} noValidate className="space-y-4">
      <FormMessage message={state.message} ok={state.ok} />
      {state.token && (
        <output className="block break-all rounded-md bg-slate-900 p-3 font-mono text-sm text-white" data-testid="new-token">
          {state.token}
        </output>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Token name" name="name" defaultValue={state.values?.name ?? "API token"} error={state.fields?.name} />
        <TextField
          label="Expires after (days)"
          name="expiresInDays"
          type="number"
          min={1}
          max={365}
          defaultValue={state.values?.expiresInDays ?? "90"}
          error={state.fields?.expiresInDays}
        />
      </div>
      <SubmitButton pendingText="Creating…">Create token</SubmitButton>
    </form>
  );
}
