import type { Metadata } from "next";
import { DeleteButton } from "@/components/delete-button";
import { Uploader } from "@/components/uploader";
import { requireViewer } from "@/lib/auth/session";
import { formatDate } from "@/lib/dashboard";
import { listMediaFiles } from "@/lib/data/media";
import { getEnv } from "@/lib/env";
import { formatDuration, formatSize } from "@/lib/format";
import { deleteFileAction, renameFileAction } from "./actions";
import { RenameForm } from "./rename-form";

export const metadata: Metadata = { title: "Media library" };

export default async function MediaPage() {
  const viewer = await requireViewer();
  const files = await listMediaFiles(viewer, { limit: 100 });
  return (
    <>
      <h1 className="text-2xl font-semibold">Media library</h1>
      <Uploader maxBytes={getEnv().MAX_UPLOAD_BYTES} direct={getEnv().STORAGE_DRIVER === "s3"} />
      {files.items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">
          No files yet. Upload recordings, intro and outro music, and cover art.
        </p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Media files">
          {files.items.map((f) => (
            <li key={f.id} className="flex flex-wrap items-center gap-4 p-4">
              {f.kind === "image" ? (
                // eslint-disable-next-line @next/next/no-img-element
                <img src={`/api/v1/files/${f.id}/content`} alt="" className="h-16 w-16 rounded object-cover" />
              ) : (
                <audio controls preload="none" src={`/api/v1/files/${f.id}/content`} className="h-10 w-64" aria-label={`Preview ${f.originalFilename}`} />
              )}
              <div className="min-w-0 flex-1 basis-56 space-y-1">
                <RenameForm action={renameFileAction.bind(null, f.id)} name={f.originalFilename} />
                <p className="text-sm text-slate-600">
                  {f.kind === "audio"
                    ? `Audio · ${formatDuration(f.durationSeconds)} · ${f.codec ?? ""} ${f.sampleRate ? `${f.sampleRate / 1000} kHz` : ""} ${f.channels === 1 ? "mono" : f.channels === 2 ? "stereo" : ""}`
                    : `Image · ${f.width}×${f.height}`}
                  {" · "}
                  {formatSize(f.sizeBytes)} · {formatDate(f.createdAt)}
                </p>
              </div>
              <DeleteButton action={deleteFileAction.bind(null, f.id)} what="file" />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
