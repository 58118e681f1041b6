"use client";

import { useActionState } from "react";
import { CopyButton } from "@/components/copy-button";
import { ActionButton } from "@/components/action-button";
import { FormMessage, SubmitButton, TextField } from "@/components/ui";
import { initialFormState, type FormState } from "@/lib/form-state";

type Action = (p: FormState, f: FormData) => Promise<FormState>;

/** After an import: what to do at the old host, and a check that it was done. */
export function MoveInPanel({ oldFeedUrl, feedUrl, checkAction }: { oldFeedUrl: string; feedUrl: string; checkAction: Action }) {
  return (
    <section aria-labelledby="move-in-heading" className="space-y-3 rounded-lg border border-indigo-200 bg-white p-6">
      <h2 id="move-in-heading" className="text-lg font-semibold">Finish the move from your old host</h2>
      <p className="text-sm text-slate-700">
        This show was imported from <span className="break-all font-mono">{oldFeedUrl}</span>. So that subscribers follow it here, set up at
        your old host either a permanent redirect (HTTP <strong>301</strong>) from the old feed to this feed, or, if the host offers no
        redirect, the tag <code>&lt;itunes:new-feed-url&gt;</code> with this feed&apos;s address. Keep it in place for at least four weeks.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <input readOnly value={feedUrl} aria-label="This feed's URL" className="min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm" />
        <CopyButton text={feedUrl} label="Copy this feed's URL" />
      </div>
      <ActionButton action={checkAction} label="Check redirect" pendingText="Checking…" />
    </section>
  );
}

/** Moving away from this app: the feed answers 301 to another host's feed. */
export function MoveOutForm({ current, action }: { current: string | null; action: Action }) {
  const [state, formAction] = useActionState(action, initialFormState);
  return (
    <section aria-labelledby="move-out-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="move-out-heading" className="text-lg font-semibold">Move this show to another host</h2>
      <p className="text-sm text-amber-800">
        Warning: with a new feed address set, this show&apos;s feed answers a permanent redirect (301) there and podcast apps move their
        subscribers for good. Import the show at the new host first. Clear the field to serve the feed here again.
      </p>
      <form action={formAction} className="space-y-3" noValidate>
        <TextField
          label="New feed URL"
          name="movedToFeedUrl"
          type="url"
          placeholder="https://newhost.example/feed.xml"
          defaultValue={state.values?.movedToFeedUrl ?? current ?? ""}
          error={state.fields?.movedToFeedUrl}
        />
        <FormMessage message={state.message} ok={state.ok} />
        <SubmitButton>Save</SubmitButton>
      </form>
    </section>
  );
}
