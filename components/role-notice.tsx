import Link from "next/link";
import { forbiddenMessage, type PodcastRole } from "@/lib/roles";

/**
 * What a member sees on a page their role does not open (reached by URL: the links to it are
 * hidden): the page's title, why, and the way back to the show. The same words as the API's 403.
 */
export function RoleNotice({ title, podcast, need }: { title: string; podcast: { id: string; title: string; role: PodcastRole }; need: PodcastRole }) {
  return (
    <div className="max-w-2xl space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={`/dashboard/podcasts/${podcast.id}`} className="inline-flex min-h-11 items-center text-indigo-700 underline">{podcast.title}</Link>
      </nav>
      <section className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
        <h1 className="text-2xl font-semibold">{title}</h1>
        <p role="status" className="text-slate-700">{forbiddenMessage(podcast.role, need)}</p>
      </section>
    </div>
  );
}
