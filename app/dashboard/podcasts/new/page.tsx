import type { Metadata } from "next";
import { PodcastForm, emptyPodcast } from "@/components/podcast-form";
import { createPodcastAction } from "../actions";

export const metadata: Metadata = { title: "New podcast" };

export default function NewPodcastPage() {
  return (
    <div className="max-w-2xl rounded-lg border border-slate-200 bg-white p-6">
      <h1 className="mb-4 text-2xl font-semibold">New podcast</h1>
      <PodcastForm action={createPodcastAction} initial={emptyPodcast} submitLabel="Create podcast" />
    </div>
  );
}
