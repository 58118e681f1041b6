import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { CopyButton } from "@/components/copy-button";
import { RoleNotice } from "@/components/role-notice";
import { requireViewer } from "@/lib/auth/session";
import { formatDate, orNotFound } from "@/lib/dashboard";
import { getPodcast } from "@/lib/data/podcasts";
import { listSubscribers } from "@/lib/data/subscribers";
import { roleAtLeast } from "@/lib/roles";
import { publicBaseUrl } from "@/lib/urls";
import { addSubscriberAction, importSubscribersAction, revokeSubscriberAction, rotateSubscriberAction } from "./actions";
import { AddSubscriberForm, ImportSubscribersForm, SubscriberAction } from "./subscriber-forms";

export const metadata: Metadata = { title: "Subscribers" };

export default async function SubscribersPage({ params }: { params: Promise<{ podcastId: string }> }) {
  const viewer = await requireViewer();
  const { podcastId } = await params;
  const podcast = await orNotFound(getPodcast(viewer, podcastId));
  if (!roleAtLeast(podcast.role, "admin")) return <RoleNotice title="Subscribers" podcast={podcast} need="admin" />;
  const subscribers = await listSubscribers(viewer, podcastId, publicBaseUrl({ headers: await headers() }));
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={`/dashboard/podcasts/${podcast.id}`} className="text-indigo-700 underline">{podcast.title}</Link>
      </nav>
      <section className="space-y-2 rounded-lg border border-slate-200 bg-white p-6">
        <h1 className="text-2xl font-semibold">Subscribers</h1>
        <p className="text-sm text-slate-600">
          {podcast.visibility === "private"
            ? "This show is private: only these subscribers can listen, each through a feed URL of their own."
            : "This show is public; each subscriber's own feed also carries the episodes marked “Subscribers only”."}{" "}
          Revoking or rotating one subscriber&apos;s URL cuts off only them.
        </p>
      </section>
      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-6" aria-labelledby="add-heading">
        <h2 id="add-heading" className="text-lg font-semibold">Add a subscriber</h2>
        <AddSubscriberForm action={addSubscriberAction.bind(null, podcast.id)} />
      </section>
      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-6" aria-labelledby="import-heading">
        <h2 id="import-heading" className="text-lg font-semibold">Import from CSV</h2>
        <ImportSubscribersForm action={importSubscribersAction.bind(null, podcast.id)} />
      </section>
      <section className="space-y-3" aria-labelledby="list-heading">
        <h2 id="list-heading" className="text-lg font-semibold">All subscribers ({subscribers.length})</h2>
        {subscribers.length === 0 ? (
          <p className="text-sm text-slate-600">No subscribers yet.</p>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {subscribers.map((s) => (
              <li key={s.id} className="space-y-2 p-4" data-testid="subscriber">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <p>
                    <span className="font-medium">{s.name}</span> <span className="text-slate-600">{s.email}</span>
                    {s.revokedAt && <span className="ml-2 rounded bg-slate-100 px-2 text-xs text-slate-700">revoked {formatDate(s.revokedAt)}</span>}
                  </p>
                  <p className="text-sm text-slate-600">
                    Last seen {s.lastSeenAt ? formatDate(s.lastSeenAt) : "never"} · {s.downloads} download{s.downloads === 1 ? "" : "s"}
                  </p>
                </div>
                {s.feedUrl && (
                  <div className="flex flex-wrap items-center gap-2">
                    <code className="break-all text-xs" data-testid="feed-url">{s.feedUrl}</code>
                    <CopyButton text={s.feedUrl} label={`Copy ${s.name}'s feed URL`} />
                  </div>
                )}
                {!s.feedUrl && !s.revokedAt && <p className="text-sm text-amber-800">This URL can no longer be shown (the server&apos;s secret changed): rotate it to make a new one.</p>}
                <div className="flex flex-wrap gap-2">
                  <SubscriberAction action={rotateSubscriberAction.bind(null, podcast.id)} subscriberId={s.id} label={s.revokedAt ? "Restore with a new URL" : "Rotate URL"} />
                  {!s.revokedAt && <SubscriberAction action={revokeSubscriberAction.bind(null, podcast.id)} subscriberId={s.id} label="Revoke" variant="danger" />}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
