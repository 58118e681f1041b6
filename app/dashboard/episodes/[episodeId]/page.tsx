import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { ActionButton } from "@/components/action-button";
import { DeleteButton } from "@/components/delete-button";
import { EmbedButton } from "@/components/embed-button";
import { EpisodeExtras } from "@/components/episode-extras";
import { EpisodeForm } from "@/components/episode-form";
import { LoudnessChart, readLevelerStats } from "@/components/loudness-chart";
import { ProcessForm } from "@/components/process-form";
import { PublishPanel } from "@/components/publish-panel";
import { ProcessingProgress } from "@/components/processing-progress";
import { StatusBadge } from "@/components/status-badge";
import { WaveformPlayer } from "@/components/waveform-player";
import { requireViewer } from "@/lib/auth/session";
import { formatDate, orNotFound } from "@/lib/dashboard";
import { getEpisode } from "@/lib/data/episodes";
import { listSourceAudio } from "@/lib/data/media";
import { getPodcast } from "@/lib/data/podcasts";
import { getProcessing } from "@/lib/data/processing";
import { embedIframe } from "@/lib/embed";
import { getEnv } from "@/lib/env";
import { formatDuration, formatSize } from "@/lib/format";
import { recordingChoice } from "@/lib/recording-choice";
import { publicBaseUrl } from "@/lib/urls";
import { DEFAULT_PROCESSING, processingOptionsSchema } from "@/lib/validation/processing";
import { deleteEpisodeAction, publishAction, retryProcessingAction, startProcessingAction, unpublishAction, updateEpisodeAction } from "../actions";

type Loudness = { integratedLufs: number; truePeakDbtp: number; lraLu: number };
const fmt = (n: number | undefined, unit: string) => (typeof n === "number" && Number.isFinite(n) ? `${n.toFixed(1)} ${unit}` : "—");

const signed = (n: number) => `${n > 0 ? "+" : n < 0 ? "−" : ""}${Math.abs(n).toFixed(1)}`;

export const metadata: Metadata = { title: "Episode" };

export default async function EpisodePage({ params }: { params: Promise<{ episodeId: string }> }) {
  const viewer = await requireViewer();
  const e = await orNotFound(getEpisode(viewer, (await params).episodeId));
  const podcast = await getPodcast(viewer, e.podcastId);
  const [processing, recordings, bumpers] = await Promise.all([
    getProcessing(viewer, e.id),
    listSourceAudio(viewer, { limit: 100, purpose: "recordings" }),
    listSourceAudio(viewer, { limit: 100, purpose: "bumpers" }),
  ]);
  const failed = processing?.status === "failed" || processing?.status === "cancelled";
  const active = processing && ["queued", "running"].includes(processing.status);
  const stats = processing?.status === "succeeded" && processing.outputFileId === e.audioFileId ? processing.stats : null;
  const input = stats?.input as Loudness | undefined;
  const output = stats?.output as Loudness | undefined;
  const leveler = readLevelerStats(stats);
  const targetLufs = typeof stats?.targetLufs === "number" ? stats.targetLufs : -16;
  const encodes = typeof stats?.encodes === "number" ? stats.encodes : undefined;
  const defaults = processingOptionsSchema.safeParse({ ...DEFAULT_PROCESSING, ...(podcast.processing ?? {}) });
  return (
    <div className="max-w-2xl space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={`/dashboard/podcasts/${podcast.id}`} className="inline-flex min-h-11 items-center text-indigo-700 underline">{podcast.title}</Link>
      </nav>
      <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
        <div className="flex items-start justify-between gap-3">
          <h1 className="min-w-0 break-words text-2xl font-semibold">{e.title}</h1>
          <span className="rounded bg-slate-100 px-2 py-0.5 text-xs font-medium uppercase text-slate-700">{e.status}</span>
        </div>
        <section className="space-y-3 rounded-md border border-slate-200 p-3 sm:p-4" aria-labelledby="audio-heading">
          <h2 id="audio-heading" className="text-lg font-semibold">Audio</h2>
          {e.audioFileId ? (
            <div className="space-y-2">
              <WaveformPlayer src={`/api/v1/episodes/${e.id}/audio`} waveformUrl={`/api/v1/episodes/${e.id}/waveform`} title={e.title} />
              <p className="text-sm text-slate-600">
                {formatDuration(e.durationSeconds)} · {e.sizeBytes ? formatSize(e.sizeBytes) : ""} ·{" "}
                <a href={`/api/v1/episodes/${e.id}/audio`} download={`${e.slug}.mp3`} className="inline-flex min-h-11 items-center text-indigo-700 underline">Download MP3</a>
              </p>
              {input && output && (
                <dl className="grid grid-cols-3 gap-x-4 gap-y-1 text-sm" data-testid="loudness-stats">
                  <dt className="text-slate-500"></dt>
                  <dt className="font-medium">Before</dt>
                  <dt className="font-medium">After</dt>
                  <dd className="text-slate-500">Loudness</dd>
                  <dd>{fmt(input.integratedLufs, "LUFS")}</dd>
                  <dd>{fmt(output.integratedLufs, "LUFS")}</dd>
                  <dd className="text-slate-500">True peak</dd>
                  <dd>{fmt(input.truePeakDbtp, "dBTP")}</dd>
                  <dd>{fmt(output.truePeakDbtp, "dBTP")}</dd>
                  <dd className="text-slate-500">Loudness range</dd>
                  <dd>{fmt(input.lraLu, "LU")}</dd>
                  <dd>{fmt(output.lraLu, "LU")}</dd>
                  {leveler?.applied && (
                    <>
                      <dd className="text-slate-500">Speaker spread</dd>
                      <dd>{fmt(leveler.speechSpreadLu.before, "LU")}</dd>
                      <dd>{fmt(leveler.speechSpreadLu.after, "LU")}</dd>
                    </>
                  )}
                </dl>
              )}
              {leveler?.applied && (
                <div className="space-y-2" data-testid="leveler-stats">
                  <LoudnessChart
                    chart={leveler.chart}
                    targetLufs={targetLufs}
                    summary={`Short-term loudness before and after leveling: speakers spread ${leveler.speechSpreadLu.before.toFixed(1)} LU before, ${leveler.speechSpreadLu.after.toFixed(1)} LU after; the target is ${targetLufs} LUFS.`}
                  />
                  <p className="text-sm text-slate-600">
                    Speakers levelled across {leveler.stretches} stretches of speech, with gains from {signed(leveler.smallestGainDb)} to{" "}
                    {signed(leveler.largestGainDb)} dB; the furthest stretch is now {leveler.worstStretchLu.after.toFixed(1)} LU from the middle
                    (was {leveler.worstStretchLu.before.toFixed(1)} LU).
                    {encodes !== undefined && ` Encoded ${encodes === 1 ? "once" : `${encodes} times`}.`}
                  </p>
                </div>
              )}
              {leveler && !leveler.applied && (
                <p className="text-sm text-slate-600" data-testid="leveler-stats">{leveler.reason}</p>
              )}
            </div>
          ) : (
            !active && !failed && <p className="text-sm text-slate-600">No audio yet. Upload a recording or choose one below, and it is mastered for you.</p>
          )}
          {processing && active && (
            <ProcessingProgress
              episodeId={e.id}
              initial={{ ...processing, startedAt: processing.startedAt?.toISOString() ?? null }}
            />
          )}
          {processing?.status === "failed" && (
            <div role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
              <p className="font-medium">Processing failed</p>
              <p>{processing.error}</p>
            </div>
          )}
          {failed && processing?.sourceFileId && (
            <ActionButton action={retryProcessingAction.bind(null, e.id)} label={processing.status === "failed" ? "Retry processing" : "Process again as before"} pendingText="Starting…" />
          )}
          {processing && !active && (
            <p className="text-sm text-slate-500">
              Last processing: <StatusBadge status={processing.status} /> {formatDate(processing.finishedAt ?? processing.createdAt)}
            </p>
          )}
          {!active && (
            <details open={!e.audioFileId} className="rounded-md border border-slate-200 p-3">
              <summary className="flex min-h-11 cursor-pointer items-center font-medium">
                {e.audioFileId || processing ? "Change the recording or processing options" : "Add the recording"}
              </summary>
              <div className="mt-3">
                <ProcessForm
                  action={startProcessingAction.bind(null, e.id)}
                  recordings={recordings.map(recordingChoice)}
                  files={bumpers.map((f) => ({ id: f.id, name: `${f.originalFilename} (${formatDuration(f.durationSeconds)})` }))}
                  defaults={defaults.success ? defaults.data : DEFAULT_PROCESSING}
                  defaultAudioId={processing?.sourceFileId ?? undefined}
                  podcastHasIntro={!!podcast.introFileId}
                  podcastHasOutro={!!podcast.outroFileId}
                  direct={getEnv().STORAGE_DRIVER === "s3"}
                  maxBytes={getEnv().MAX_UPLOAD_BYTES}
                  submitLabel={e.audioFileId ? "Process again" : "Process"}
                />
              </div>
            </details>
          )}
        </section>
        <PublishPanel
          status={e.status}
          publishAt={e.publishAt?.toISOString() ?? null}
          publishedAt={e.publishedAt?.toISOString() ?? null}
          publicUrl={`/p/${podcast.slug}/${e.slug}`}
          blocker={e.audioFileId ? null : active ? "Publishing is possible once processing has finished." : "Process a recording before publishing."}
          publish={publishAction.bind(null, e.id)}
          unpublish={unpublishAction.bind(null, e.id)}
        />
        {e.status === "published" && (
          <section className="space-y-2 rounded-md border border-slate-200 p-4" aria-labelledby="embed-heading">
            <h2 id="embed-heading" className="text-lg font-semibold">Embed the player</h2>
            <p className="text-sm text-slate-600">Put this episode&apos;s player on any website or blog.</p>
            <EmbedButton code={embedIframe({ base: publicBaseUrl({ headers: new Headers(await headers()) }), slug: podcast.slug, episodeSlug: e.slug, title: `${e.title} · ${podcast.title}` })} />
          </section>
        )}
        <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm text-slate-600">
          <dt>GUID</dt>
          <dd className="break-all font-mono text-xs" data-testid="episode-guid">{e.guid}</dd>
          <dt>Created</dt>
          <dd>{formatDate(e.createdAt)}</dd>
          <dt>Published</dt>
          <dd>{e.status === "scheduled" ? `scheduled for ${formatDate(e.publishAt)}` : formatDate(e.publishedAt)}</dd>
        </dl>
        <EpisodeExtras episodeId={e.id} />
        <EpisodeForm
          action={updateEpisodeAction.bind(null, e.id)}
          submitLabel="Save episode"
          podcasting20={{ persons: e.persons, soundbites: e.soundbites }}
          initial={{
            title: e.title,
            slug: e.slug,
            description: e.description,
            seasonNumber: e.seasonNumber?.toString() ?? "",
            episodeNumber: e.episodeNumber?.toString() ?? "",
            episodeType: e.episodeType,
            explicit: e.explicit,
          }}
        />
        <DeleteButton action={deleteEpisodeAction.bind(null, e.id)} what="episode" />
      </div>
    </div>
  );
}
