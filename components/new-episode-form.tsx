"use client";

import { useActionState, useRef, useState } from "react";
import { CheckboxField, FormMessage, SelectField, TextAreaField, TextField } from "@/components/ui";
import { buttonClass } from "@/components/styles";
import { initialFormState, type FormState } from "@/lib/form-state";
import { titleFromFileName } from "@/lib/title-from-file";
import { RecordingDropZone, RecordingUploadProgress, useRecordingUpload } from "./recording-upload";

export interface RecordingChoice {
  id: string;
  /** The file name, its duration and when it was uploaded. */
  label: string;
  /** The file name alone (for the proposed title). */
  name: string;
}

const textValues = (fd: FormData) => Object.fromEntries([...fd].filter((e): e is [string, string] => typeof e[1] === "string"));

/**
 * "New episode", recording first: choosing (or dropping) the file starts its upload at once and
 * proposes the title from the file name; Create waits for the upload, then the action creates
 * the episode and starts processing it with the show's defaults.
 */
export function NewEpisodeForm({
  action,
  direct,
  maxBytes,
  recordings,
  processingSummary,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  direct: boolean;
  maxBytes: number;
  recordings: RecordingChoice[];
  processingSummary: string;
}) {
  const { upload, start, pending, clear } = useRecordingUpload({ direct, maxBytes });
  const [title, setTitle] = useState("");
  const titleEdited = useRef(false);
  const [fromLibrary, setFromLibrary] = useState("");

  const [state, formAction, busy] = useActionState(async (prev: FormState, fd: FormData): Promise<FormState> => {
    let fileId = fd.get("libraryFileId") ? String(fd.get("libraryFileId")) : "";
    if (pending.current) {
      const result = await pending.current;
      if (!result.ok) return { message: `The recording was not uploaded: ${result.message} Choose it again or another file.`, values: textValues(fd) };
      fileId = result.fileId;
    }
    fd.delete("libraryFileId");
    if (fileId) fd.set("audioFileId", fileId);
    return action(prev, fd);
  }, initialFormState);
  const v = state.values ?? {};
  const f = state.fields ?? {};

  const propose = (fileName: string) => {
    if (!titleEdited.current || !title.trim()) {
      titleEdited.current = false;
      setTitle(titleFromFileName(fileName));
    }
  };
  const choose = (file: File) => {
    setFromLibrary("");
    propose(file.name);
    void start(file);
  };
  const uploading = upload && (upload.phase === "uploading" || upload.phase === "checking");

  return (
    <form action={formAction} noValidate className="space-y-5" aria-label="New episode">
      <FormMessage message={state.message} ok={state.ok} />
      <section className="space-y-3" aria-labelledby="recording-heading">
        <h2 id="recording-heading" className="text-lg font-semibold">Recording</h2>
        {upload ? (
          <div className="space-y-2">
            <RecordingUploadProgress upload={upload} />
            <RecordingDropZone compact onFile={choose} label="Choose another file" />
          </div>
        ) : (
          <RecordingDropZone onFile={choose} label="Choose a recording" />
        )}
        {f.audioFileId && <p role="alert" className="text-sm text-red-600">{f.audioFileId}</p>}
        {recordings.length > 0 && !upload && (
          <details className="rounded-md border border-slate-200 p-3" open={!!fromLibrary}>
            <summary className="flex min-h-11 cursor-pointer items-center font-medium">Or use a recording you uploaded before</summary>
            <div className="mt-2">
              <SelectField
                label="Recording from your library"
                name="libraryFileId"
                value={fromLibrary}
                onChange={(e) => {
                  setFromLibrary(e.target.value);
                  const chosen = recordings.find((r) => r.id === e.target.value);
                  if (chosen) propose(chosen.name);
                }}
              >
                <option value="">None</option>
                {recordings.map((r) => (
                  <option key={r.id} value={r.id}>{r.label}</option>
                ))}
              </SelectField>
            </div>
          </details>
        )}
        {upload && (
          <button type="button" className="min-h-11 text-sm text-slate-700 underline" onClick={clear}>
            Create without a recording
          </button>
        )}
      </section>
      <TextField
        label="Title"
        name="title"
        required
        maxLength={200}
        value={title}
        onChange={(e) => {
          titleEdited.current = true;
          setTitle(e.target.value);
        }}
        error={f.title}
        hint="Proposed from the file name; change it as you like."
      />
      <TextAreaField label="Show notes" name="description" rows={6} defaultValue={v.description ?? ""} error={f.description} />
      <details className="rounded-md border border-slate-200 p-3" open={!!(f.seasonNumber || f.episodeNumber || f.episodeType || f.slug)}>
        <summary className="flex min-h-11 cursor-pointer items-center font-medium">More: number, season, type</summary>
        <div className="mt-3 space-y-4">
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField label="Season" name="seasonNumber" type="number" min={1} inputMode="numeric" defaultValue={v.seasonNumber ?? ""} error={f.seasonNumber} />
            <TextField label="Episode number" name="episodeNumber" type="number" min={1} inputMode="numeric" defaultValue={v.episodeNumber ?? ""} error={f.episodeNumber} />
            <SelectField label="Episode type" name="episodeType" defaultValue={v.episodeType ?? "full"} error={f.episodeType}>
              <option value="full">Full</option>
              <option value="trailer">Trailer</option>
              <option value="bonus">Bonus</option>
            </SelectField>
          </div>
          <TextField label="Slug" name="slug" defaultValue={v.slug ?? ""} error={f.slug} placeholder="made from the title" hint="Unique within this podcast. Leave empty to make one from the title." />
          <CheckboxField label="Contains explicit content" name="explicit" defaultChecked={v.explicit === "on"} error={f.explicit} />
        </div>
      </details>
      <p className="text-sm text-slate-600">{processingSummary}</p>
      <button type="submit" className={`${buttonClass()} w-full sm:w-auto`} disabled={busy} aria-busy={busy}>
        {busy ? (uploading ? "Finishing the upload…" : "Creating…") : "Create episode"}
      </button>
    </form>
  );
}
