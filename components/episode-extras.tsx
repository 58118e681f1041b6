import { requireViewer } from "@/lib/auth/session";
import { formatChapterLines } from "@/lib/chapters";
import { getChapters, getTranscript } from "@/lib/data/episode-extras";
import { ChaptersEditor, TranscriptUpload } from "./episode-extras-forms";

/** The dashboard episode page's transcript upload and chapter editor (both save through the API with the session). */
export async function EpisodeExtras({ episodeId }: { episodeId: string }) {
  const viewer = await requireViewer();
  const [transcript, chapters] = await Promise.all([getTranscript(viewer, episodeId), getChapters(viewer, episodeId)]);
  return (
    <section className="space-y-4 rounded-md border border-slate-200 p-4" aria-labelledby="extras-heading">
      <h2 id="extras-heading" className="text-lg font-semibold">Transcript and chapters</h2>
      <TranscriptUpload
        episodeId={episodeId}
        current={transcript && { format: transcript.format, cueCount: transcript.cueCount, sizeBytes: transcript.sizeBytes }}
      />
      <ChaptersEditor episodeId={episodeId} initialLines={formatChapterLines(chapters)} />
    </section>
  );
}
