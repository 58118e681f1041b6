import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { acceptInvitationAction } from "@/app/dashboard/invitations/actions";
import { AcceptInvitationForm } from "@/components/members-forms";
import { getSessionUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { previewInvitation, type InvitationPreview } from "@/lib/data/members";

export const metadata: Metadata = { title: "Invitation", robots: { index: false } };

type Props = { params: Promise<{ token: string }> };

/** An invitation link: the signed-in invitee accepts it; anyone else is sent to sign in first. */
export default async function InvitationPage({ params }: Props) {
  const { token } = await params;
  const user = await getSessionUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`);
  let preview: InvitationPreview | null = null;
  let problem: string | null = null;
  try {
    preview = await previewInvitation({ userId: user.id }, token);
    problem = preview.problem;
  } catch (err) {
    if (!isAppError(err)) throw err;
    problem = err.message;
  }
  return (
    <div className="mx-auto max-w-md space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-2xl font-semibold">Invitation</h1>
      {problem ? (
        <>
          <p role="alert" className="text-red-700">{problem}</p>
          <p className="text-sm text-slate-600">Signed in as {user.email}. <Link href="/dashboard" className="text-indigo-700 underline">Your podcasts</Link></p>
        </>
      ) : (
        <>
          <p>
            You are invited to join <span className="font-semibold">{preview!.podcastTitle}</span> as {preview!.role === "admin" || preview!.role === "editor" ? "an" : "a"} <span className="font-semibold">{preview!.role}</span>.
          </p>
          <AcceptInvitationForm action={acceptInvitationAction} token={token} />
        </>
      )}
    </div>
  );
}
