"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireViewer } from "@/lib/auth/session";
import { cancelRun, retryRun } from "@/lib/data/runs";
import { formStateFromError, type FormState } from "@/lib/form-state";

export async function cancelRunAction(runId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  try {
    await cancelRun(viewer, runId);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath(`/dashboard/jobs/${runId}`);
  return { ok: true, message: "Cancelled." };
}

export async function retryRunAction(runId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  let newId: string;
  try {
    newId = (await retryRun(viewer, runId)).id;
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath("/dashboard/jobs");
  redirect(`/dashboard/jobs/${newId}`);
}
