"use client";

import { useActionState } from "react";
import { NotesEditor } from "@/components/notes-editor";
import { CheckboxField, FormMessage, SelectField, SubmitButton, TextField } from "@/components/ui";
import { initialFormState, type FormState } from "@/lib/form-state";
import { EPISODE_20_FIELDS, Podcasting20Fields } from "./podcasting20-fields";

export interface EpisodeFormValues {
  title: string;
  slug: string;
  description: string;
  seasonNumber: string;
  episodeNumber: string;
  episodeType: string;
  explicit: boolean;
  /** "public" or "subscribers" (supporter-only). */
  access?: string;
}

export const emptyEpisode: EpisodeFormValues = {
  title: "",
  slug: "",
  description: "",
  seasonNumber: "",
  episodeNumber: "",
  episodeType: "full",
  explicit: false,
};

export function EpisodeForm({
  action,
  initial,
  submitLabel,
  podcasting20,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  initial: EpisodeFormValues;
  submitLabel: string;
  /** The episode's Podcasting 2.0 values (edit form only). */
  podcasting20?: Record<string, unknown>;
}) {
  const [state, formAction] = useActionState(action, initialFormState);
  const v = { ...initial, ...state.values, explicit: state.values ? state.values.explicit === "on" : initial.explicit };
  const f = state.fields ?? {};

  return (
    <form action={formAction} noValidate className="space-y-5">
      <FormMessage message={state.message} ok={state.ok} />
      <TextField label="Title" name="title" required maxLength={200} defaultValue={v.title} error={f.title} />
      <TextField
        label="Slug"
        name="slug"
        defaultValue={v.slug}
        error={f.slug}
        placeholder="made from the title"
        hint="Unique within this podcast. Leave empty to make one from the title."
      />
      <NotesEditor label="Show notes" name="description" maxLength={20000} defaultValue={v.description} error={f.description} />
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField label="Season" name="seasonNumber" type="number" min={1} inputMode="numeric" defaultValue={v.seasonNumber} error={f.seasonNumber} />
        <TextField label="Episode number" name="episodeNumber" type="number" min={1} inputMode="numeric" defaultValue={v.episodeNumber} error={f.episodeNumber} />
        <SelectField label="Episode type" name="episodeType" defaultValue={v.episodeType} error={f.episodeType}>
          <option value="full">Full</option>
          <option value="trailer">Trailer</option>
          <option value="bonus">Bonus</option>
        </SelectField>
      </div>
      <SelectField
        label="Who can listen"
        name="access"
        defaultValue={v.access ?? "public"}
        error={f.access}
        hint="Subscribers only: left out of the public feed and pages, in every subscriber's own feed."
      >
        <option value="public">Everyone</option>
        <option value="subscribers">Subscribers only</option>
      </SelectField>
      <CheckboxField label="Contains explicit content" name="explicit" defaultChecked={v.explicit} error={f.explicit} />
      {podcasting20 && <Podcasting20Fields specs={EPISODE_20_FIELDS} current={podcasting20} values={state.values} fields={f} />}
      <SubmitButton>{submitLabel}</SubmitButton>
    </form>
  );
}
