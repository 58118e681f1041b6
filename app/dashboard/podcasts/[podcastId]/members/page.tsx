import type { Metadata } from "next";
import Link from "next/link";
import { InviteForm, MemberButton, RoleForm } from "@/components/members-forms";
import { RoleNotice } from "@/components/role-notice";
import { requireViewer } from "@/lib/auth/session";
import { formatDate, orNotFound } from "@/lib/dashboard";
import { listActivity } from "@/lib/data/activity";
import { listMembers } from "@/lib/data/members";
import { getPodcast } from "@/lib/data/podcasts";
import { roleAtLeast } from "@/lib/roles";
import { inviteMemberAction, removeMemberAction, transferPodcastAction, updateMemberAction } from "./actions";

type Props = { params: Promise<{ podcastId: string }> };

export const metadata: Metadata = { title: "Members" };

const ACTIONS: Record<string, string> = {
  "episode.created": "created episode",
  "episode.edited": "edited episode",
  "episode.processed": "processed episode",
  "episode.published": "published episode",
  "episode.scheduled": "scheduled episode",
  "episode.unpublished": "unpublished episode",
  "episode.deleted": "deleted episode",
  "podcast.edited": "edited the show",
  "member.invited": "invited",
  "member.joined": "joined as",
  "member.removed": "removed",
  "member.role_changed": "changed the role of",
  "invitation.revoked": "revoked the invitation of",
  "podcast.transferred": "transferred",
};

/** The show's team (admins and the owner): invite, change roles, remove, transfer; and who did what. */
export default async function MembersPage({ params }: Props) {
  const viewer = await requireViewer();
  const { podcastId } = await params;
  const podcast = await orNotFound(getPodcast(viewer, podcastId));
  if (!roleAtLeast(podcast.role, "admin")) return <RoleNotice title="Members" podcast={podcast} need="admin" />;
  const [members, activity] = await Promise.all([listMembers(viewer, podcastId), listActivity(viewer, podcastId, { limit: 50 })]);
  const active = members.filter((m) => m.status === "active");
  const pending = members.filter((m) => m.status === "pending");
  return (
    <>
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={`/dashboard/podcasts/${podcast.id}`} className="text-indigo-700 underline">{podcast.title}</Link>
      </nav>
      <h1 className="text-2xl font-semibold">Members</h1>

      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-6">
        <h2 className="text-xl font-semibold">Invite someone</h2>
        <p className="text-sm text-slate-600">No e-mail is sent: copy the link and pass it on. It works once, for 14 days, for someone signed in with that address.</p>
        <InviteForm action={inviteMemberAction.bind(null, podcast.id)} />
      </section>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold">Team</h2>
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Members">
          {active.map((m) => (
            <li key={m.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
              <span>
                <span className="font-medium">{m.name || m.email}</span> <span className="text-sm text-slate-500">{m.email}</span>
                <span className="ml-2 rounded bg-slate-100 px-2 py-0.5 text-xs font-medium uppercase text-slate-700">{m.role}</span>
              </span>
              {m.role !== "owner" && (
                <span className="flex flex-wrap items-center gap-2">
                  <RoleForm action={updateMemberAction.bind(null, podcast.id)} memberId={m.id} role={m.role} label={`Role of ${m.email}`} />
                  <MemberButton action={removeMemberAction.bind(null, podcast.id)} memberId={m.id} label={`Remove ${m.email}`} variant="danger" />
                  {podcast.role === "owner" && <MemberButton action={transferPodcastAction.bind(null, podcast.id)} memberId={m.id} label={`Make ${m.email} the owner`} />}
                </span>
              )}
            </li>
          ))}
        </ul>
      </section>

      {pending.length > 0 && (
        <section className="space-y-3">
          <h2 className="text-xl font-semibold">Pending invitations</h2>
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Pending invitations">
            {pending.map((m) => (
              <li key={m.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
                <span>
                  {m.email} <span className="ml-2 rounded bg-amber-100 px-2 py-0.5 text-xs font-medium uppercase text-amber-800">{m.role} · pending</span>
                  {m.expiresAt && <span className="ml-2 text-sm text-slate-500">expires {formatDate(m.expiresAt)}</span>}
                </span>
                <MemberButton action={removeMemberAction.bind(null, podcast.id)} memberId={m.id} label={`Revoke invitation of ${m.email}`} variant="danger" />
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="space-y-3">
        <h2 className="text-xl font-semibold">Activity</h2>
        {activity.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing yet.</p>
        ) : (
          <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white text-sm" aria-label="Activity">
            {activity.map((a) => (
              <li key={a.id} className="px-5 py-2">
                <span className="font-medium">{a.actorName}</span> {ACTIONS[a.action] ?? a.action} <span className="font-medium">{a.targetTitle}</span>
                <span className="ml-2 text-slate-500">{formatDate(a.createdAt)}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
