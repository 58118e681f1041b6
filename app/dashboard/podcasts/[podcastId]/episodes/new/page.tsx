import type { Metadata } from "next";
import Link from "next/link";
import { EpisodeForm, emptyEpisode } from "@/components/episode-form";
import { requireViewer } from "@/lib/auth/session";
import { orNotFound } from "@/lib/dashboard";
import { getPodcast } from "@/lib/data/podcasts";
import { createEpisodeAction } from "@/app/dashboard/episodes/actions";

export const metadata: Metadata = { title: "New episode" };

export default async function NewEpisodePage({ params }: { params: Promise<{ podcastId: string }> }) {
  const viewer = await requireViewer();
  const podcast = await orNotFound(getPodcast(viewer, (await params).podcastId));
  return (
    <div className="max-w-2xl space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={`/dashboard/podcasts/${podcast.id}`} className="text-indigo-700 underline">{podcast.title}</Link>
      </nav>
      <div className="rounded-lg border border-slate-200 bg-white p-6">
        <h1 className="mb-4 text-2xl font-semibold">New episode</h1>
        <EpisodeForm action={createEpisodeAction.bind(null, podcast.id)} initial={emptyEpisode} submitLabel="Create episode" />
      </div>
    </div>
  );
}
