"use client";

import { useActionState, useState, useSyncExternalStore } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/ui";
import { initialFormState, type FormState } from "@/lib/form-state";

type Action = (p: FormState, f: FormData) => Promise<FormState>;

// The browser's zone, read after hydration (the server renders "UTC"); it does not change.
const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const noChanges = () => () => {};

/** Publish now, schedule for a local date and time (the zone is shown), or unpublish. */
export function PublishPanel({
  status,
  publishAt,
  publishedAt,
  publicUrl,
  blocker,
  publish,
  unpublish,
}: {
  status: string;
  publishAt: string | null;
  publishedAt: string | null;
  publicUrl: string;
  blocker: string | null;
  publish: Action;
  unpublish: Action;
}) {
  const [state, publishForm] = useActionState(publish, initialFormState);
  const [unState, unpublishForm] = useActionState(unpublish, initialFormState);
  const [local, setLocal] = useState("");
  const zone = useSyncExternalStore(noChanges, browserTimeZone, () => "UTC");
  const iso = local && !Number.isNaN(new Date(local).getTime()) ? new Date(local).toISOString() : "";
  const show = (d: string | null) => (d ? new Date(d).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "");

  return (
    <section className="space-y-3 rounded-md border border-slate-200 p-3 sm:p-4" aria-labelledby="publish-heading">
      <h2 id="publish-heading" className="text-lg font-semibold">Publishing</h2>
      {status === "published" && (
        <p className="text-sm text-green-800">
          Published {show(publishedAt)} · <a href={publicUrl} className="underline">public page</a>
        </p>
      )}
      {status === "scheduled" && <p className="text-sm text-amber-800">Scheduled for {show(publishAt)} ({zone}).</p>}
      {blocker && <p className="text-sm text-slate-600">{blocker}</p>}
      <FormMessage message={state.message ?? unState.message} ok={state.ok || unState.ok} />
      {!blocker && status !== "published" && (
        <div className="flex flex-wrap items-end gap-4">
          <form action={publishForm}>
            <input type="hidden" name="when" value="now" />
            <SubmitButton pendingText="Publishing…">Publish now</SubmitButton>
          </form>
          <form action={publishForm} className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="when" value="schedule" />
            <input type="hidden" name="at" value={iso} />
            <TextField label={`Schedule for (${zone})`} name="atLocal" type="datetime-local" value={local} onChange={(e) => setLocal(e.target.value)} error={state.fields?.at} />
            <SubmitButton pendingText="Scheduling…">Schedule</SubmitButton>
          </form>
        </div>
      )}
      {(status === "published" || status === "scheduled") && (
        <form action={unpublishForm}>
          <SubmitButton pendingText="Unpublishing…">{status === "scheduled" ? "Cancel schedule" : "Unpublish"}</SubmitButton>
        </form>
      )}
    </section>
  );
}
