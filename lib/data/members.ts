import "server-only";
import crypto from "node:crypto";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { db, tables } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { transaction } from "@/db/tx";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError, notFound } from "@/lib/errors";
import { isUuid, newId } from "@/lib/ids";
import type { InviteMemberInput, UpdateMemberInput } from "@/lib/validation/members";
import { requirePodcastRole, type PodcastRole } from "./access";
import { recordActivity } from "./activity";
import { newFeedVersion } from "./feed-version";

/**
 * A podcast's team: its members (the owner included) and pending invitations, which admins and
 * the owner manage. An invitation is a secret token (256 bits; only its SHA-256 is stored) that
 * the invitee, signed in with the invited e-mail address, accepts once within 14 days.
 */

export const INVITATION_DAYS = 14;

export interface Member {
  /** A member's id, or a pending invitation's: both are what PATCH and DELETE take. */
  id: string;
  userId: string | null;
  email: string;
  name: string | null;
  role: PodcastRole;
  status: "active" | "pending";
  createdAt: Date;
  /** When a pending invitation expires. */
  expiresAt: Date | null;
}

export interface Invitation extends Member {
  status: "pending";
  /** The secret, shown once: the invitation link carries it. */
  inviteToken: string;
}

const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

/** The show's members, owner first, then its pending invitations (admins and the owner). */
export async function listMembers(viewer: Viewer, podcastId: string): Promise<Member[]> {
  await requirePodcastRole(viewer, podcastId, "admin");
  const m = tables.podcastMembers;
  const rows = await db
    .select({ id: m.id, userId: m.userId, role: m.role, createdAt: m.createdAt, email: tables.users.email, name: tables.users.name })
    .from(m)
    .innerJoin(tables.users, eq(tables.users.id, m.userId))
    .where(eq(m.podcastId, podcastId))
    .orderBy(asc(m.createdAt), asc(m.id));
  const rank = { owner: 0, admin: 1, editor: 2, viewer: 3 };
  const members: Member[] = rows
    .map((r) => ({ ...r, status: "active" as const, expiresAt: null }))
    .sort((x, y) => rank[x.role] - rank[y.role] || x.createdAt.getTime() - y.createdAt.getTime());
  const i = tables.podcastInvitations;
  const pending = await db
    .select()
    .from(i)
    .where(and(eq(i.podcastId, podcastId), isNull(i.acceptedAt), isNull(i.revokedAt), gt(i.expiresAt, new Date())))
    .orderBy(asc(i.createdAt), asc(i.id));
  return [
    ...members,
    ...pending.map((p) => ({ id: p.id, userId: null, email: p.email, name: null, role: p.role, status: "pending" as const, createdAt: p.createdAt, expiresAt: p.expiresAt })),
  ];
}

/**
 * Invites `email` to the show with `role` (admins and the owner). A pending invitation to the
 * same address is replaced (its link stops working). Someone already a member: conflict.
 */
export async function inviteMember(viewer: Viewer, podcastId: string, input: InviteMemberInput): Promise<Invitation> {
  await requirePodcastRole(viewer, podcastId, "admin");
  const email = input.email.trim().toLowerCase();
  const [already] = await db
    .select({ id: tables.podcastMembers.id })
    .from(tables.podcastMembers)
    .innerJoin(tables.users, eq(tables.users.id, tables.podcastMembers.userId))
    .where(and(eq(tables.podcastMembers.podcastId, podcastId), eq(tables.users.email, email)));
  if (already) throw new AppError("conflict", "This person is already a member of the show. Change their role instead.", { fields: { email: "Already a member." } });
  const token = crypto.randomBytes(32).toString("base64url");
  const now = new Date();
  const row = {
    id: newId(),
    podcastId,
    email,
    role: input.role,
    tokenHash: hashToken(token),
    invitedBy: viewer.userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + INVITATION_DAYS * 24 * 3600_000),
  };
  await transaction(async (tx) => {
    const i = tables.podcastInvitations;
    await tx
      .update(i)
      .set({ revokedAt: now })
      .where(and(eq(i.podcastId, podcastId), eq(i.email, email), isNull(i.acceptedAt), isNull(i.revokedAt)));
    await tx.insert(i).values(row);
    await recordActivity(viewer, podcastId, "member.invited", `${email} (${input.role})`, tx);
  });
  return { id: row.id, userId: null, email, name: null, role: input.role, status: "pending", createdAt: now, expiresAt: row.expiresAt, inviteToken: token };
}

async function memberRow(podcastId: string, memberId: string) {
  if (!isUuid(memberId)) return null;
  const m = tables.podcastMembers;
  const [row] = await db
    .select({ id: m.id, userId: m.userId, role: m.role, email: tables.users.email })
    .from(m)
    .innerJoin(tables.users, eq(tables.users.id, m.userId))
    .where(and(eq(m.id, memberId), eq(m.podcastId, podcastId)));
  return row ?? null;
}

async function pendingInvitation(podcastId: string, invitationId: string) {
  if (!isUuid(invitationId)) return null;
  const i = tables.podcastInvitations;
  const [row] = await db
    .select()
    .from(i)
    .where(and(eq(i.id, invitationId), eq(i.podcastId, podcastId), isNull(i.acceptedAt), isNull(i.revokedAt)));
  return row ?? null;
}

/** Changes a member's (or a pending invitation's) role (admins and the owner); the owner's role changes only by transfer. */
export async function updateMember(viewer: Viewer, podcastId: string, memberId: string, input: UpdateMemberInput): Promise<Member> {
  await requirePodcastRole(viewer, podcastId, "admin");
  const member = await memberRow(podcastId, memberId);
  if (member) {
    if (member.role === "owner") throw new AppError("conflict", "The owner's role cannot be changed. Transfer the show to someone else first.");
    await transaction(async (tx) => {
      await tx.update(tables.podcastMembers).set({ role: input.role }).where(eq(tables.podcastMembers.id, member.id));
      await recordActivity(viewer, podcastId, "member.role_changed", `${member.email}: ${member.role} → ${input.role}`, tx);
    });
    return (await listMembers(viewer, podcastId)).find((x) => x.id === member.id)!;
  }
  const invitation = await pendingInvitation(podcastId, memberId);
  if (!invitation) throw notFound("Member");
  await db.update(tables.podcastInvitations).set({ role: input.role }).where(eq(tables.podcastInvitations.id, invitation.id));
  return { id: invitation.id, userId: null, email: invitation.email, name: null, role: input.role, status: "pending", createdAt: invitation.createdAt, expiresAt: invitation.expiresAt };
}

/**
 * Removes a member (from their next request on, they get not_found like anyone else) or revokes
 * a pending invitation (admins and the owner). The owner cannot be removed.
 */
export async function removeMember(viewer: Viewer, podcastId: string, memberId: string): Promise<void> {
  await requirePodcastRole(viewer, podcastId, "admin");
  const member = await memberRow(podcastId, memberId);
  if (member) {
    if (member.role === "owner") throw new AppError("conflict", "The owner cannot be removed. Transfer the show to someone else first.");
    await transaction(async (tx) => {
      await tx.delete(tables.podcastMembers).where(eq(tables.podcastMembers.id, member.id));
      await recordActivity(viewer, podcastId, "member.removed", member.email, tx);
    });
    return;
  }
  const invitation = await pendingInvitation(podcastId, memberId);
  if (!invitation) throw notFound("Member");
  await transaction(async (tx) => {
    await tx.update(tables.podcastInvitations).set({ revokedAt: new Date() }).where(eq(tables.podcastInvitations.id, invitation.id));
    await recordActivity(viewer, podcastId, "invitation.revoked", invitation.email, tx);
  });
}

/** What an invitation link shows before it is accepted (anyone signed in who holds the token). */
export interface InvitationPreview {
  podcastTitle: string;
  role: PodcastRole;
  email: string;
  problem: string | null;
}

async function invitationByToken(token: string) {
  const i = tables.podcastInvitations;
  const [row] = await db
    .select({ invitation: i, podcastTitle: tables.podcasts.title })
    .from(i)
    .innerJoin(tables.podcasts, eq(tables.podcasts.id, i.podcastId))
    .where(eq(i.tokenHash, hashToken(token)));
  return row ?? null;
}

const INVALID_LINK = "This invitation link is not valid. Ask for a new one.";

function problemOf(invitation: typeof tables.podcastInvitations.$inferSelect, email: string): { code: "conflict" | "forbidden"; message: string } | null {
  if (invitation.revokedAt) return { code: "conflict", message: "This invitation was revoked. Ask for a new one." };
  if (invitation.acceptedAt) return { code: "conflict", message: "This invitation has already been used." };
  if (invitation.expiresAt.getTime() <= Date.now()) return { code: "conflict", message: `This invitation expired (invitations last ${INVITATION_DAYS} days). Ask for a new one.` };
  if (invitation.email !== email.toLowerCase()) {
    return { code: "forbidden", message: "This invitation is for another e-mail address. Sign in with the address it was sent to." };
  }
  return null;
}

async function emailOf(viewer: Viewer): Promise<string> {
  const [user] = await db.select({ email: tables.users.email }).from(tables.users).where(eq(tables.users.id, viewer.userId));
  if (!user) throw new AppError("unauthorized", "Sign in first.");
  return user.email;
}

/** The invitation a token names, for the page that accepts it; not_found for an unknown token. */
export async function previewInvitation(viewer: Viewer, token: string): Promise<InvitationPreview> {
  const found = await invitationByToken(token);
  if (!found) throw new AppError("not_found", INVALID_LINK);
  const problem = problemOf(found.invitation, await emailOf(viewer));
  // Someone else's invitation names nothing of the show.
  if (problem?.code === "forbidden") return { podcastTitle: "", role: found.invitation.role, email: "", problem: problem.message };
  return { podcastTitle: found.podcastTitle, role: found.invitation.role, email: found.invitation.email, problem: problem?.message ?? null };
}

/**
 * Accepts an invitation: the signed-in viewer, whose e-mail address must be the invited one,
 * becomes a member with its role. Single use; revoked or expired: conflict.
 */
export async function acceptInvitation(viewer: Viewer, token: string): Promise<{ podcastId: string; role: PodcastRole }> {
  const found = await invitationByToken(token);
  if (!found) throw new AppError("not_found", INVALID_LINK);
  const { invitation } = found;
  const problem = problemOf(invitation, await emailOf(viewer));
  if (problem) throw new AppError(problem.code, problem.message);
  const now = new Date();
  try {
    await transaction(async (tx) => {
      const i = tables.podcastInvitations;
      const [claimed] = await tx
        .update(i)
        .set({ acceptedAt: now })
        .where(and(eq(i.id, invitation.id), isNull(i.acceptedAt), isNull(i.revokedAt)))
        .returning({ id: i.id });
      if (!claimed) throw new AppError("conflict", "This invitation has already been used.");
      await tx.insert(tables.podcastMembers).values({ id: newId(), podcastId: invitation.podcastId, userId: viewer.userId, role: invitation.role, createdAt: now });
      await recordActivity(viewer, invitation.podcastId, "member.joined", `${invitation.email} (${invitation.role})`, tx);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("conflict", "You are already a member of this show.");
    throw err;
  }
  return { podcastId: invitation.podcastId, role: invitation.role };
}

/**
 * Makes another member the owner (the owner only); the old owner stays on as an admin.
 */
export async function transferPodcast(viewer: Viewer, podcastId: string, memberId: string): Promise<Member[]> {
  const { podcast } = await requirePodcastRole(viewer, podcastId, "owner");
  const member = await memberRow(podcastId, memberId);
  if (!member) throw new AppError("invalid", "Choose a member of the show.", { fields: { memberId: "Not a member of this show." } });
  if (member.userId === viewer.userId) throw new AppError("conflict", "You already own this show.");
  await transaction(async (tx) => {
    const m = tables.podcastMembers;
    await tx.update(tables.podcasts).set({ ownerId: member.userId, feedVersion: newFeedVersion(), updatedAt: new Date() }).where(eq(tables.podcasts.id, podcastId));
    await tx.update(m).set({ role: "owner" }).where(eq(m.id, member.id));
    const [old] = await tx.update(m).set({ role: "admin" }).where(and(eq(m.podcastId, podcastId), eq(m.userId, viewer.userId))).returning({ id: m.id });
    if (!old) await tx.insert(m).values({ id: newId(), podcastId, userId: viewer.userId, role: "admin", createdAt: podcast.createdAt });
    await recordActivity(viewer, podcastId, "podcast.transferred", `${podcast.title} → ${member.email}`, tx);
  });
  return listMembers(viewer, podcastId);
}
