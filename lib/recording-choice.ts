import { formatDate } from "@/lib/dashboard";
import { formatDuration } from "@/lib/format";

/** A recording as the pickers show it: name, duration and upload date. */
export function recordingChoice(f: { id: string; originalFilename: string; durationSeconds: number | null; createdAt: Date }) {
  return { id: f.id, name: f.originalFilename, label: `${f.originalFilename} · ${formatDuration(f.durationSeconds)} · ${formatDate(f.createdAt)}` };
}
