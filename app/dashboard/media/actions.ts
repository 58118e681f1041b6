"use server";

import { revalidatePath } from "next/cache";
import { requireViewer } from "@/lib/auth/session";
import { deleteMediaFile, renameMediaFile } from "@/lib/data/media";
import { formStateFromError, parseForm, type FormState } from "@/lib/form-state";
import { renameFileSchema } from "@/lib/validation/media";

export async function renameFileAction(fileId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  const parsed = parseForm(renameFileSchema, { originalFilename: formData.get("originalFilename") }, formData);
  if (parsed.state) return parsed.state;
  try {
    await renameMediaFile(viewer, fileId, parsed.data.originalFilename);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath("/dashboard/media");
  return { ok: true, message: "Renamed." };
}

export async function deleteFileAction(fileId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const viewer = await requireViewer();
  try {
    await deleteMediaFile(viewer, fileId);
  } catch (err) {
    return formStateFromError(err, formData);
  }
  revalidatePath("/dashboard/media");
  return { ok: true };
}
