import { z } from "zod";
import { emailSchema } from "./user";

/** Roles an invitation or a role change may give; "owner" only comes by transfer. */
export const memberRoleSchema = z.enum(["admin", "editor", "viewer"], { error: 'Choose a role: "admin", "editor" or "viewer".' });

export const inviteMemberSchema = z.object({ email: emailSchema, role: memberRoleSchema });
export type InviteMemberInput = z.infer<typeof inviteMemberSchema>;

export const updateMemberSchema = z.object({ role: memberRoleSchema });
export type UpdateMemberInput = z.infer<typeof updateMemberSchema>;

export const acceptInvitationSchema = z.object({ token: z.string({ error: "The invitation token is missing." }).trim().min(1, "The invitation token is missing.").max(200) });

export const transferPodcastSchema = z.object({ memberId: z.string({ error: "Choose the member who becomes the owner." }).min(1, "Choose the member who becomes the owner.") });

/** A member or a pending invitation, as the API returns it. */
export const memberSchema = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(["owner", "admin", "editor", "viewer"]),
  status: z.enum(["active", "pending"]),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
});

export const invitationSchema = memberSchema.extend({ status: z.literal("pending"), inviteToken: z.string(), inviteUrl: z.string() });
