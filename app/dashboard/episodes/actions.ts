"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireViewer } from "@/lib/auth/session";
import { createEpisode, deleteEpisode, getEpisode, updateEpisode } from "@/lib/data/episodes";
import { foldJsonFieldErrors, formStateFromError, formToInput, formValues, jsonFormFields, parseForm, type FormState } from "@/lib/form-state";
import { getMediaFile } from "@/lib/data/media";
import { getPodcast } from "@/lib/data/podcasts";
import { retryProcessing, startProcessing } from "@/lib/data/processing";
import { AppError } from "@/lib/errors";
import { publishEpisode, unpublishEpisode } from "@/lib/data/publishing";
import { createEpisodeSchema, publishSchema, updateEpisodeSchema } from "@/lib/validation/episode";
import { startProcessingSchema } from "@/lib/validation/processing";

const episodeForm = (formData: FormData) =>
  formToInput(formData, {
    text: ["title", "description", "episodeType"],
    omitIfBlank: ["slug"],
    numbers: ["seasonNumber", "episodeNumber"],
    booleans: ["explicit"],
  });

/**
 * Creates an episode; with `audioFileId` (the recording just uploaded, or one from the library)
 * it also starts processing it with the show's defaults. Either way, on to the episode's page.
 */
export async function createEpisodeAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const parsed = parseForm(createEpisodeSchema, episodeForm(formData), formData);
  if (parsed.state) return parsed.state;
  const audioFileId = String(formData.get("audioFileId") ?? "");
  let episodeId: string;
  try {
    await getPodcast(viewer, podcastId);
    if (audioFileId && (await getMediaFile(viewer, audioFileId)).kind !== "audio") {
      throw new AppError("invalid", "The recording must be an audio file.", { fields: { audioFileId: "Choose an audio file." } });
    }
    const episode = await createEpisode(viewer, podcastId, parsed.data);
    episodeId = episode.id;
    if (audioFileId) await startProcessing(viewer, episode.id, { audioFileId });
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath(`/dashboard/podcasts/${podcastId}`);
  redirect(`/dashboard/episodes/${episodeId}`);
}

/** The episode form's Podcasting 2.0 values, as JSON textareas, and what a blank one means. */
const EPISODE_JSON = { persons: [], soundbites: [] };

export async function updateEpisodeAction(episodeId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const json = jsonFormFields(formData, EPISODE_JSON);
  if (Object.keys(json.fields).length) return { message: "Please correct the highlighted fields.", fields: json.fields, values: formValues(formData) };
  const parsed = parseForm(updateEpisodeSchema, { ...episodeForm(formData), ...json.input }, formData);
  if (parsed.state) return foldJsonFieldErrors(parsed.state, Object.keys(EPISODE_JSON));
  try {
    const episode = await updateEpisode(viewer, episodeId, parsed.data);
    revalidatePath(`/dashboard/podcasts/${episode.podcastId}`);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  return { ok: true, message: "Episode saved." };
}

export async function deleteEpisodeAction(episodeId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  let podcastId: string;
  try {
    podcastId = (await getEpisode(viewer, episodeId)).podcastId;
    await deleteEpisode(viewer, episodeId);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath(`/dashboard/podcasts/${podcastId}`);
  redirect(`/dashboard/podcasts/${podcastId}`);
}

export async function startProcessingAction(episodeId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const bumper = (name: string) => {
    const v = String(formData.get(name) ?? "default");
    return v === "default" ? undefined : v === "none" ? null : v;
  };
  const num = (name: string) => Number(formData.get(name));
  const input = {
    audioFileId: String(formData.get("audioFileId") ?? ""),
    introFileId: bumper("introFileId"),
    outroFileId: bumper("outroFileId"),
    options: {
      loudness: formData.get("loudness"),
      ...(formData.get("loudness") === "custom" ? { customLufs: num("customLufs") } : {}),
      truePeakDbtp: num("truePeakDbtp"),
      channels: formData.get("channels"),
      leveler: formData.get("leveler") === "on",
      highPass: formData.get("highPass") === "on",
      noiseReduction: formData.get("noiseReduction") === "on",
      trimSilence: formData.get("trimSilence") === "on",
      shortenPauses: formData.get("shortenPauses") === "on",
      maxPauseSeconds: num("maxPauseSeconds"),
      crossfadeSeconds: num("crossfadeSeconds"),
    },
  };
  const parsed = parseForm(startProcessingSchema, input, formData);
  if (parsed.state) return parsed.state;
  try {
    await startProcessing(viewer, episodeId, parsed.data);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath(`/dashboard/episodes/${episodeId}`);
  return { ok: true, message: "Processing started." };
}

/** Runs the episode's failed (or cancelled) processing again, as it was. */
export async function retryProcessingAction(episodeId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  try {
    await retryProcessing(viewer, episodeId);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath(`/dashboard/episodes/${episodeId}`);
  return { ok: true, message: "Processing started again." };
}

export async function publishAction(episodeId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const when = formData.get("when");
  const parsed = parseForm(publishSchema, { at: when === "schedule" ? String(formData.get("at") ?? "") || undefined : undefined }, formData);
  if (parsed.state) return parsed.state;
  if (when === "schedule" && !parsed.data.at) return { message: "Choose a date and time.", fields: { at: "Choose a date and time." } };
  try {
    const episode = await publishEpisode(viewer, episodeId, parsed.data.at);
    revalidatePath(`/dashboard/episodes/${episodeId}`);
    return { ok: true, message: episode.status === "scheduled" ? "Scheduled." : "Published." };
  } catch (err) {
    return formStateFromError(err, formData);
  }
}

export async function unpublishAction(episodeId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  try {
    await unpublishEpisode(viewer, episodeId);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath(`/dashboard/episodes/${episodeId}`);
  return { ok: true, message: "Unpublished." };
}
