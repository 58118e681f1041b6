import type { Metadata } from "next";
import Link from "next/link";
import { PodcastForm } from "@/components/podcast-form";
import { RoleNotice } from "@/components/role-notice";
import { requireViewer } from "@/lib/auth/session";
import { orNotFound } from "@/lib/dashboard";
import { listMediaFiles } from "@/lib/data/media";
import { getPodcast } from "@/lib/data/podcasts";
import { formatDuration } from "@/lib/format";
import { roleAtLeast } from "@/lib/roles";
import { updatePodcastAction } from "../../actions";

export const metadata: Metadata = { title: "Edit podcast" };

type Option = { id: string; name: string };

/** The show's files that are another member's stay choosable, so saving the form keeps them. */
function withShared(options: Option[], current: [string | null, string][]): Option[] {
  const extra = current.filter(([id]) => id && !options.some((o) => o.id === id)).map(([id, name]) => ({ id: id!, name }));
  return [...extra, ...options];
}

export default async function EditPodcastPage({ params }: { params: Promise<{ podcastId: string }> }) {
  const viewer = await requireViewer();
  const p = await orNotFound(getPodcast(viewer, (await params).podcastId));
  if (!roleAtLeast(p.role, "admin")) return <RoleNotice title="Edit podcast" podcast={p} need="admin" />;
  const [images, audio] = await Promise.all([
    listMediaFiles(viewer, { limit: 100, kind: "image" }),
    listMediaFiles(viewer, { limit: 100, kind: "audio" }),
  ]);
  return (
    <div className="max-w-2xl space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={`/dashboard/podcasts/${p.id}`} className="text-indigo-700 underline">{p.title}</Link>
      </nav>
      <div className="rounded-lg border border-slate-200 bg-white p-6">
        <h1 className="mb-4 text-2xl font-semibold">Edit podcast</h1>
        <PodcastForm
          action={updatePodcastAction.bind(null, p.id)}
          submitLabel="Save changes"
          images={withShared(images.items.map((f) => ({ id: f.id, name: `${f.originalFilename} (${f.width}×${f.height})` })), [[p.coverFileId, "The current cover (another member's file)"]])}
          audio={withShared(audio.items.map((f) => ({ id: f.id, name: `${f.originalFilename} (${formatDuration(f.durationSeconds)})` })), [
            [p.introFileId, "The current intro (another member's file)"],
            [p.outroFileId, "The current outro (another member's file)"],
          ])}
          initial={{
            title: p.title,
            slug: p.slug,
            description: p.description,
            author: p.author,
            ownerName: p.ownerName,
            ownerEmail: p.ownerEmail,
            language: p.language,
            category: p.category ?? "",
            subcategory: p.subcategory ?? "",
            explicit: p.explicit,
            type: p.type,
            website: p.website ?? "",
            copyright: p.copyright ?? "",
            enclosurePrefix: p.enclosurePrefix ?? "",
            visibility: p.visibility,
            coverFileId: p.coverFileId ?? "",
            introFileId: p.introFileId ?? "",
            outroFileId: p.outroFileId ?? "",
            processing: p.processing,
            opusRendition: p.opusRendition,
            listenLinks: p.listenLinks,
            podcasting20: { funding: p.funding, persons: p.persons, podroll: p.podroll, txt: p.txt, location: p.location },
          }}
        />
      </div>
    </div>
  );
}
