import type { Metadata } from "next";
import Link from "next/link";
import { NewEpisodeForm } from "@/components/new-episode-form";
import { RoleNotice } from "@/components/role-notice";
import { requireViewer } from "@/lib/auth/session";
import { orNotFound } from "@/lib/dashboard";
import { listSourceAudio } from "@/lib/data/media";
import { getPodcast } from "@/lib/data/podcasts";
import { getEnv } from "@/lib/env";
import { recordingChoice } from "@/lib/recording-choice";
import { roleAtLeast } from "@/lib/roles";
import { DEFAULT_PROCESSING, LOUDNESS_PRESETS, processingOptionsSchema, targetLufs } from "@/lib/validation/processing";
import { createEpisodeAction } from "@/app/dashboard/episodes/actions";

export const metadata: Metadata = { title: "New episode" };

export default async function NewEpisodePage({ params }: { params: Promise<{ podcastId: string }> }) {
  const viewer = await requireViewer();
  const podcast = await orNotFound(getPodcast(viewer, (await params).podcastId));
  if (!roleAtLeast(podcast.role, "editor")) return <RoleNotice title="New episode" podcast={podcast} need="editor" />;
  const recordings = await listSourceAudio(viewer, { limit: 100, purpose: "recordings" });
  const parsed = processingOptionsSchema.safeParse({ ...DEFAULT_PROCESSING, ...(podcast.processing ?? {}) });
  const o = parsed.success ? parsed.data : DEFAULT_PROCESSING;
  const loudness = o.loudness === "custom" ? `${targetLufs(o)} LUFS` : LOUDNESS_PRESETS[o.loudness].label;
  const extras = [
    o.leveler && "speakers levelled",
    o.highPass && "rumble filtered",
    o.noiseReduction && "noise reduced",
    o.trimSilence && "silence trimmed",
    podcast.introFileId && "the show's intro",
    podcast.outroFileId && "the show's outro",
  ].filter(Boolean);
  const env = getEnv();
  return (
    <div className="max-w-2xl space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={`/dashboard/podcasts/${podcast.id}`} className="inline-flex min-h-11 items-center text-indigo-700 underline">{podcast.title}</Link>
      </nav>
      <div className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
        <h1 className="mb-4 text-2xl font-semibold">New episode</h1>
        <NewEpisodeForm
          action={createEpisodeAction.bind(null, podcast.id)}
          direct={env.STORAGE_DRIVER === "s3"}
          maxBytes={env.MAX_UPLOAD_BYTES}
          recordings={recordings.map(recordingChoice)}
          processingSummary={`Create uploads the recording and starts mastering it with the show's settings: ${[loudness, ...extras].join(", ")}. You can change them on the episode's page.`}
        />
      </div>
    </div>
  );
}
