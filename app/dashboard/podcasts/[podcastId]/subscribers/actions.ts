"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { requireViewer } from "@/lib/auth/session";
import { createSubscriber, importSubscribers, revokeSubscriber, rotateSubscriber } from "@/lib/data/subscribers";
import { AppError } from "@/lib/errors";
import { formStateFromError, parseForm, type FormState } from "@/lib/form-state";
import { publicBaseUrl } from "@/lib/urls";
import { createSubscriberSchema } from "@/lib/validation/subscriber";

const MAX_CSV_BYTES = 2 * 1024 * 1024;

const base = async () => publicBaseUrl({ headers: await headers() });
const page = (podcastId: string) => `/dashboard/podcasts/${podcastId}/subscribers`;
const subscriberIdOf = (formData: FormData) => String(formData.get("subscriberId") ?? "");

export async function addSubscriberAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const parsed = parseForm(createSubscriberSchema, { name: formData.get("name") ?? "", email: formData.get("email") ?? "" }, formData);
  if (parsed.state) return parsed.state;
  try {
    const s = await createSubscriber(viewer, podcastId, parsed.data, await base());
    revalidatePath(page(podcastId));
    return { ok: true, message: `Added ${s.name}. Send them their feed URL: ${s.feedUrl}` };
  } catch (err) {
    return formStateFromError(err, formData);
  }
}

export async function revokeSubscriberAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  try {
    await revokeSubscriber(viewer, podcastId, subscriberIdOf(formData));
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath(page(podcastId));
  return { ok: true, message: "Revoked: their feed and audio links no longer work." };
}

export async function rotateSubscriberAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  try {
    await rotateSubscriber(viewer, podcastId, subscriberIdOf(formData), await base());
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath(page(podcastId));
  return { ok: true, message: "New feed URL made; the old one no longer works." };
}

export async function importSubscribersAction(podcastId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  try {
    const result = await importSubscribers(viewer, podcastId, async () => {
      const file = formData.get("csv");
      if (!(file instanceof File) || file.size === 0) throw new AppError("invalid", "Choose a CSV file.", { fields: { csv: "Choose a CSV file of name,email lines." } });
      if (file.size > MAX_CSV_BYTES) throw new AppError("too_large", "The CSV is larger than 2 MB.", { fields: { csv: "At most 2 MB." } });
      return file.text();
    });
    revalidatePath(page(podcastId));
    const problems = result.errors.slice(0, 5).map((e) => `line ${e.line}: ${e.message}`);
    const more = result.errors.length > 5 ? ` (and ${result.errors.length - 5} more)` : "";
    return {
      ok: result.errors.length === 0,
      message: `Added ${result.created}, skipped ${result.skipped} already subscribed.${problems.length ? ` Not added: ${problems.join("; ")}${more}.` : ""}`,
    };
  } catch (err) {
    return formStateFromError(err, formData);
  }
}
