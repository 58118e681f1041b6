"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireViewer } from "@/lib/auth/session";
import { createPodcast, deletePodcast, updatePodcast } from "@/lib/data/podcasts";
import { formStateFromError, formToInput, parseForm, type FormState } from "@/lib/form-state";
import { createPodcastSchema, updatePodcastSchema } from "@/lib/validation/podcast";

const podcastForm = (formData: FormData) => {
  const input = formToInput(formData, {
    text: ["title", "description", "author", "ownerName", "ownerEmail", "language", "type"],
    nullable: ["category", "subcategory", "website", "copyright"],
    omitIfBlank: ["slug"],
    booleans: ["explicit"],
  });
  // The edit form also carries artwork, intro/outro and processing defaults.
  if (formData.get("p.present")) {
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
  }
  return input;
};

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

export async function updatePodcastAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const parsed = parseForm(updatePodcastSchema, podcastForm(formData), formData);
  if (parsed.state) return parsed.state;
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
