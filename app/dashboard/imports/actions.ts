"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireViewer } from "@/lib/auth/session";
import { startImport } from "@/lib/data/imports";
import { formStateFromError, formToInput, parseForm, type FormState } from "@/lib/form-state";
import { createImportSchema } from "@/lib/validation/import";

/** Starts importing (or syncing) a podcast from the feed URL typed into the form. */
export async function startImportAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const parsed = parseForm(createImportSchema, formToInput(formData, { text: ["feedUrl"] }), formData);
  if (parsed.state) return parsed.state;
  let id: string;
  try {
    id = (await startImport(viewer, parsed.data.feedUrl)).id;
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath("/dashboard/imports");
  redirect(`/dashboard/imports/${id}`);
}
