"use client";

import { useActionState, useState } from "react";
import { CheckboxField, FormMessage, SelectField, TextField } from "@/components/ui";
import { buttonClass } from "@/components/styles";
import { formatDuration } from "@/lib/format";
import { initialFormState, type FormState } from "@/lib/form-state";
import { LOUDNESS_PRESETS, type ProcessingOptions } from "@/lib/validation/processing";
import type { RecordingChoice } from "./new-episode-form";
import { RecordingDropZone, RecordingUploadProgress, useRecordingUpload } from "./recording-upload";

export interface AudioChoice {
  id: string;
  name: string;
}

/**
 * Choose the recording (one of the library's source recordings, newest first, or a new one
 * uploaded right here), intro/outro and mastering options, then start processing.
 */
export function ProcessForm({
  action,
  recordings,
  files,
  defaults,
  defaultAudioId,
  podcastHasIntro,
  podcastHasOutro,
  direct,
  maxBytes,
  submitLabel = "Process",
}: {
  action: (p: FormState, f: FormData) => Promise<FormState>;
  /** Source recordings for the recording picker. */
  recordings: RecordingChoice[];
  /** Audio for the intro and outro pickers. */
  files: AudioChoice[];
  defaults: ProcessingOptions;
  defaultAudioId?: string;
  podcastHasIntro: boolean;
  podcastHasOutro: boolean;
  direct: boolean;
  maxBytes: number;
  submitLabel?: string;
}) {
  const [state, formAction, busy] = useActionState(action, initialFormState);
  const [loudness, setLoudness] = useState<string>(defaults.loudness);
  const [choices, setChoices] = useState(recordings);
  const [audioId, setAudioId] = useState(defaultAudioId && recordings.some((r) => r.id === defaultAudioId) ? defaultAudioId : (recordings[0]?.id ?? ""));
  const { upload, start } = useRecordingUpload({ direct, maxBytes });
  const uploading = upload && (upload.phase === "uploading" || upload.phase === "checking");
  const f = state.fields ?? {};
  const chooseFile = (file: File) => {
    void start(file).then((result) => {
      if (!result.ok) return;
      setChoices((all) => [
        { id: result.fileId, name: file.name, label: `${file.name} · ${formatDuration(result.durationSeconds)} · just uploaded` },
        ...all.filter((c) => c.id !== result.fileId),
      ]);
      setAudioId(result.fileId);
    });
  };
  const bumperOptions = (hasDefault: boolean) => (
    <>
      {hasDefault && <option value="default">The podcast&apos;s default</option>}
      <option value="none">None</option>
      {files.map((file) => (
        <option key={file.id} value={file.id}>{file.name}</option>
      ))}
    </>
  );
  return (
    <form action={formAction} className="space-y-4" aria-label="Process audio">
      <FormMessage message={state.message} ok={state.ok} />
      <div className="space-y-2">
        {choices.length > 0 ? (
          <SelectField label="Recording" name="audioFileId" value={audioId} onChange={(e) => setAudioId(e.target.value)} error={f.audioFileId} hint="Your recordings, newest first (mastered files, intros and outros are not listed).">
            {choices.map((file) => (
              <option key={file.id} value={file.id}>{file.label}</option>
            ))}
          </SelectField>
        ) : (
          <p className="text-sm text-slate-600">No recording yet: upload one.</p>
        )}
        {upload && <RecordingUploadProgress upload={upload} />}
        <RecordingDropZone compact onFile={chooseFile} label="Upload a new recording" />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField label="Intro" name="introFileId" defaultValue={podcastHasIntro ? "default" : "none"} error={f.introFileId}>
          {bumperOptions(podcastHasIntro)}
        </SelectField>
        <SelectField label="Outro" name="outroFileId" defaultValue={podcastHasOutro ? "default" : "none"} error={f.outroFileId}>
          {bumperOptions(podcastHasOutro)}
        </SelectField>
        <SelectField label="Loudness" name="loudness" value={loudness} onChange={(e) => setLoudness(e.target.value)} error={f["options.loudness"]}>
          {Object.entries(LOUDNESS_PRESETS).map(([k, v]) => (
            <option key={k} value={k}>{v.label}</option>
          ))}
          <option value="custom">Custom</option>
        </SelectField>
        {loudness === "custom" ? (
          <TextField label="Target (LUFS)" name="customLufs" type="number" step="0.5" defaultValue={defaults.customLufs} error={f["options.customLufs"]} />
        ) : (
          <span />
        )}
        <TextField label="True-peak ceiling (dBTP)" name="truePeakDbtp" type="number" step="0.1" defaultValue={defaults.truePeakDbtp} error={f["options.truePeakDbtp"]} />
        <SelectField label="Output" name="channels" defaultValue={defaults.channels} error={f["options.channels"]}>
          <option value="stereo">Stereo MP3, 128 kbps</option>
          <option value="mono">Mono MP3, 96 kbps</option>
          <option value="follow">Like the recording</option>
        </SelectField>
        <TextField label="Crossfade (seconds)" name="crossfadeSeconds" type="number" step="0.1" min={0} max={10} defaultValue={defaults.crossfadeSeconds} error={f["options.crossfadeSeconds"]} />
        <TextField label="Longest pause kept (seconds)" name="maxPauseSeconds" type="number" step="0.1" min={0.5} max={10} defaultValue={defaults.maxPauseSeconds} error={f["options.maxPauseSeconds"]} />
      </div>
      <fieldset className="grid gap-2 sm:grid-cols-2">
        <legend className="mb-1 text-sm font-medium text-slate-700">Clean-up</legend>
        <CheckboxField label="Level speakers" name="leveler" defaultChecked={defaults.leveler} />
        <CheckboxField label="High-pass filter (rumble, hum)" name="highPass" defaultChecked={defaults.highPass} />
        <CheckboxField label="Noise reduction" name="noiseReduction" defaultChecked={defaults.noiseReduction} />
        <CheckboxField label="Trim silence at start and end" name="trimSilence" defaultChecked={defaults.trimSilence} />
        <CheckboxField label="Shorten long pauses" name="shortenPauses" defaultChecked={defaults.shortenPauses} />
      </fieldset>
      <button type="submit" className={`${buttonClass()} w-full sm:w-auto`} disabled={busy || !!uploading || !audioId} aria-busy={busy}>
        {busy ? "Starting…" : uploading ? "Waiting for the upload…" : submitLabel}
      </button>
    </form>
  );
}
