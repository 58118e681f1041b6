import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/styles";
import { requireViewer } from "@/lib/auth/session";
import { listPodcasts } from "@/lib/data/podcasts";

export const metadata: Metadata = { title: "Your podcasts" };

export default async function DashboardPage({ searchParams }: { searchParams: Promise<{ cursor?: string }> }) {
  const viewer = await requireViewer();
  const { cursor } = await searchParams;
  const page = await listPodcasts(viewer, { limit: 50, cursor: typeof cursor === "string" ? cursor : undefined }).catch(() =>
    listPodcasts(viewer, { limit: 50 }),
  );
  return (
    <>
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Your podcasts</h1>
        <div className="flex gap-2">
          <Link href="/dashboard/imports/new" className={buttonClass("secondary")}>Import a podcast</Link>
          <Link href="/dashboard/podcasts/new" className={buttonClass()}>New podcast</Link>
        </div>
      </div>
      {page.items.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
          <h2 className="text-lg font-medium">No podcasts yet</h2>
          <p className="mt-1 text-slate-600">Create your first show to start adding episodes.</p>
          <Link href="/dashboard/podcasts/new" className={`${buttonClass()} mt-4`}>Create a podcast</Link>
        </div>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Podcasts">
          {page.items.map((p) => (
            <li key={p.id}>
              <Link href={`/dashboard/podcasts/${p.id}`} className="block px-5 py-4 hover:bg-slate-50">
                <span className="font-medium">{p.title}</span>
                <span className="ml-2 text-sm text-slate-500">/{p.slug}</span>
                {p.role !== "owner" && <span className="ml-2 rounded bg-indigo-50 px-2 py-0.5 text-xs font-medium uppercase text-indigo-800">shared · {p.role}</span>}
                {p.description && <p className="mt-1 line-clamp-1 text-sm text-slate-600">{p.description}</p>}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {page.nextCursor && (
        <Link href={`/dashboard?cursor=${encodeURIComponent(page.nextCursor)}`} className="text-indigo-700 underline">
          Older podcasts
        </Link>
      )}
    </>
  );
}
