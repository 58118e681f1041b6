"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireViewer } from "@/lib/auth/session";
import { createPodcast, deletePodcast, updatePodcast } from "@/lib/data/podcasts";
import { foldJsonFieldErrors, formStateFromError, formToInput, formValues, jsonFormFields, parseForm, type FormState } from "@/lib/form-state";
import { createPodcastSchema, updatePodcastSchema } from "@/lib/validation/podcast";

const podcastForm = (formData: FormData) => {
  const input = formToInput(formData, {
    text: ["title", "description", "author", "ownerName", "ownerEmail", "language", "type"],
    nullable: ["category", "subcategory", "website", "copyright", "enclosurePrefix"],
    omitIfBlank: ["slug", "visibility"],
    booleans: ["explicit"],
  });
  // The edit form also carries artwork, intro/outro, processing defaults and "Listen on" links.
  if (formData.get("p.present")) {
    input.listenLinks = listenRows(formData).map(({ platform, url }) => ({ platform, url }));
    Object.assign(input, formToInput(formData, { nullable: ["coverFileId", "introFileId", "outroFileId"] }));
    input.processing = {
      loudness: formData.get("p.loudness"),
      channels: formData.get("p.channels"),
      crossfadeSeconds: Number(formData.get("p.crossfadeSeconds")),
      leveler: formData.get("p.leveler") === "on",
      highPass: formData.get("p.highPass") === "on",
      noiseReduction: formData.get("p.noiseReduction") === "on",
      trimSilence: formData.get("p.trimSilence") === "on",
      shortenPauses: formData.get("p.shortenPauses") === "on",
    };
    input.opusRendition = formData.get("p.opusRendition") === "on";
  }
  return input;
};

/** The form's filled "Listen on" rows, with the row each came from (blank rows are skipped). */
function listenRows(formData: FormData) {
  const rows: { row: number; platform: string; url: string }[] = [];
  for (const [key, value] of formData) {
    const m = /^listen\.(\d+)\.url$/.exec(key);
    if (!m || typeof value !== "string" || value.trim() === "") continue;
    rows.push({ row: Number(m[1]), platform: String(formData.get(`listen.${m[1]}.platform`) ?? ""), url: value });
  }
  return rows;
}

/** Field errors of `listenLinks.N.…` belong to the form row that link came from. */
function withListenRowErrors(state: FormState, formData: FormData): FormState {
  if (!state.fields) return state;
  const rows = listenRows(formData);
  const fields: Record<string, string> = {};
  for (const [key, message] of Object.entries(state.fields)) {
    const m = /^listenLinks\.(\d+)\.(platform|url)$/.exec(key);
    const row = m ? rows[Number(m[1])] : undefined;
    fields[row ? `listen.${row.row}.${m![2]}` : key] = message;
  }
  return { ...state, fields };
}

export async function createPodcastAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const parsed = parseForm(createPodcastSchema, podcastForm(formData), formData);
  if (parsed.state) return parsed.state;
  let id: string;
  try {
    id = (await createPodcast(viewer, parsed.data)).id;
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath("/dashboard");
  redirect(`/dashboard/podcasts/${id}`);
}

/** The Podcasting 2.0 values of the edit form, as JSON textareas, and what a blank one means. */
const PODCAST_JSON = { funding: [], persons: [], podroll: [], txt: [], location: null };

export async function updatePodcastAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const json = jsonFormFields(formData, PODCAST_JSON);
  if (Object.keys(json.fields).length) return { message: "Please correct the highlighted fields.", fields: json.fields, values: formValues(formData) };
  const parsed = parseForm(updatePodcastSchema, { ...podcastForm(formData), ...json.input }, formData);
  if (parsed.state) return foldJsonFieldErrors(withListenRowErrors(parsed.state, formData), Object.keys(PODCAST_JSON));
  try {
    await updatePodcast(viewer, podcastId, parsed.data);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath("/dashboard", "layout");
  redirect(`/dashboard/podcasts/${podcastId}`);
}

export async function deletePodcastAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  try {
    await deletePodcast(viewer, podcastId);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath("/dashboard", "layout");
  redirect("/dashboard");
}

/** "Check redirect": whether the old host's feed now answers 301 to this app's feed. */
export async function checkRedirectAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  try {
    const { headers } = await import("next/headers");
    const { publicBaseUrl } = await import("@/lib/urls");
    const { checkOldFeedRedirect } = await import("@/lib/data/imports");
    // Ownership first: someone else's podcast is not found before anything else is read.
    const { getPodcast } = await import("@/lib/data/podcasts");
    await getPodcast(viewer, podcastId);
    const result = await checkOldFeedRedirect(viewer, podcastId, publicBaseUrl({ headers: await headers() }));
    return { ok: result.ok, message: result.message };
  } catch (err) {
    return formStateFromError(err, formData);
  }
}

/** Moving away: the feed answers 301 to the new feed URL; a blank field moves the show back. */
export async function setMovedToFeedUrlAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const raw = String(formData.get("movedToFeedUrl") ?? "").trim();
  const parsed = parseForm(updatePodcastSchema, { movedToFeedUrl: raw === "" ? null : raw }, formData);
  if (parsed.state) return parsed.state;
  try {
    await updatePodcast(viewer, podcastId, parsed.data);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath(`/dashboard/podcasts/${podcastId}`);
  return {
    ok: true,
    message: parsed.data.movedToFeedUrl ? "Saved: the feed now answers 301 to the new address." : "Saved: the feed is served here again.",
  };
}
