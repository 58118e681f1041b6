import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, tables } from "@/db";
import * as acceptRoute from "@/app/api/v1/invitations/accept/route";
import * as membersRoute from "@/app/api/v1/podcasts/[id]/members/route";
import { createApiTokenForViewer } from "@/lib/data/tokens";
import { call } from "@/tests/api-client";
import { addMember, makeEpisode, makePodcast, makeUser } from "@/tests/factories";
import { listActivity } from "./activity";
import { getEpisode } from "./episodes";
import { acceptInvitation, inviteMember, listMembers, removeMember, transferPodcast, updateMember } from "./members";
import { deletePodcast, getPodcast, listPodcasts, updatePodcast } from "./podcasts";

const codeOf = async (p: Promise<unknown>) => p.then(() => "ok", (err: { code?: string }) => err.code ?? String(err));

async function team() {
  const owner = await makeUser({ name: "Olive Owner" });
  const podcast = await makePodcast(owner.viewer, { title: "Team Talk" });
  return { owner, podcast };
}

describe("invitations", () => {
  it("API: 201 with a one-time link; the list shows the owner and the pending invitation; the invitee accepts once", async () => {
    const { owner, podcast } = await team();
    const invitee = await makeUser({ email: "Eddie@Example.com" });
    const ownerToken = (await createApiTokenForViewer(owner.viewer, { name: "t", expiresInDays: 1 })).token;
    const inviteeToken = (await createApiTokenForViewer(invitee.viewer, { name: "t", expiresInDays: 1 })).token;
    const created = await call(membersRoute.POST, { method: "POST", token: ownerToken, params: { id: podcast.id }, json: { email: "eddie@example.com", role: "editor" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: "eddie@example.com", role: "editor", status: "pending" });
    expect(created.body.inviteUrl).toMatch(new RegExp(`^https?://[^/]+/invite/${created.body.inviteToken}$`));
    expect(Buffer.from(created.body.inviteToken, "base64url").length).toBeGreaterThanOrEqual(16);
    // Only the hash is stored.
    const [stored] = await db.select().from(tables.podcastInvitations).where(eq(tables.podcastInvitations.id, created.body.id));
    expect(stored!.tokenHash).toBe(crypto.createHash("sha256").update(created.body.inviteToken).digest("hex"));
    expect(JSON.stringify(stored)).not.toContain(created.body.inviteToken);
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBe(14 * 24 * 3600_000);

    const list = await call(membersRoute.GET, { token: ownerToken, params: { id: podcast.id } });
    expect(list.body.items.map((m: { email: string; role: string; status: string }) => [m.email, m.role, m.status])).toEqual([
      [owner.email, "owner", "active"],
      ["eddie@example.com", "editor", "pending"],
    ]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.inviteToken);

    const accepted = await call(acceptRoute.POST, { method: "POST", token: inviteeToken, json: { token: created.body.inviteToken } });
    expect(accepted).toMatchObject({ status: 200, body: { podcastId: podcast.id, role: "editor" } });
    const again = await call(acceptRoute.POST, { method: "POST", token: inviteeToken, json: { token: created.body.inviteToken } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already been used/);
    expect((await getPodcast(invitee.viewer, podcast.id)).role).toBe("editor");
    const unknown = await call(acceptRoute.POST, { method: "POST", token: inviteeToken, json: { token: "not-a-real-token" } });
    expect(unknown.status).toBe(404);
  });

  it("another account cannot accept it (403, nothing of the show); revoked and expired links answer 409", async () => {
    const { owner, podcast } = await team();
    const invitee = await makeUser();
    const stranger = await makeUser();
    const inv = await inviteMember(owner.viewer, podcast.id, { email: invitee.email, role: "viewer" });
    const err = await acceptInvitation(stranger.viewer, inv.inviteToken).catch((e: Error & { code: string }) => e);
    expect((err as { code: string }).code).toBe("forbidden");
    expect((err as Error).message).not.toContain("Team Talk");
    expect(await codeOf(getPodcast(stranger.viewer, podcast.id))).toBe("not_found");

    await removeMember(owner.viewer, podcast.id, inv.id); // revoke
    expect((await listMembers(owner.viewer, podcast.id)).some((m) => m.status === "pending")).toBe(false);
    await expect(acceptInvitation(invitee.viewer, inv.inviteToken)).rejects.toThrow(/revoked/);

    const late = await inviteMember(owner.viewer, podcast.id, { email: invitee.email, role: "viewer" });
    await db.update(tables.podcastInvitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(tables.podcastInvitations.id, late.id));
    await expect(acceptInvitation(invitee.viewer, late.inviteToken)).rejects.toThrow(/expired/);
    expect(await codeOf(getPodcast(invitee.viewer, podcast.id))).toBe("not_found");
  });

  it("inviting an address again replaces the pending link; inviting a member is a conflict", async () => {
    const { owner, podcast } = await team();
    const invitee = await makeUser();
    const first = await inviteMember(owner.viewer, podcast.id, { email: invitee.email, role: "viewer" });
    const second = await inviteMember(owner.viewer, podcast.id, { email: invitee.email, role: "admin" });
    await expect(acceptInvitation(invitee.viewer, first.inviteToken)).rejects.toThrow(/revoked/);
    expect(await acceptInvitation(invitee.viewer, second.inviteToken)).toEqual({ podcastId: podcast.id, role: "admin" });
    expect(await codeOf(inviteMember(owner.viewer, podcast.id, { email: invitee.email, role: "viewer" }))).toBe("conflict");
  });
});

describe("the show's files", () => {
  it("members may read the show's cover (another member's upload); not the owner's other files; ex-members and outsiders nothing", async () => {
    const { openMediaFile } = await import("./media");
    const { uploadFromPath } = await import("@/tests/factories");
    const { makeFixtureDir } = await import("@/tests/media-fixtures");
    const media = makeFixtureDir();
    try {
      const owner = await makeUser();
      const cover = await uploadFromPath(owner.viewer, media.png("team-cover.png", 1400));
      const other = await uploadFromPath(owner.viewer, media.png("private-photo.png", 1500));
      const podcast = await makePodcast(owner.viewer, { title: "Covered Show", coverFileId: cover.id });
      const [editor, outsider] = [await makeUser(), await makeUser()];
      const { id: editorId } = await addMember(owner.viewer, podcast.id, editor, "editor");
      expect((await openMediaFile(editor.viewer, cover.id)).size).toBeGreaterThan(0);
      await expect(openMediaFile(editor.viewer, other.id)).rejects.toMatchObject({ code: "not_found" });
      await expect(openMediaFile(outsider.viewer, cover.id)).rejects.toMatchObject({ code: "not_found" });
      await removeMember(owner.viewer, podcast.id, editorId);
      await expect(openMediaFile(editor.viewer, cover.id)).rejects.toMatchObject({ code: "not_found" });
    } finally {
      media.cleanup();
    }
  });
});

describe("roles", () => {
  it("removing a member takes effect on their next request; a role change too", async () => {
    const { owner, podcast } = await team();
    const ed = await makeUser();
    const member = await addMember(owner.viewer, podcast.id, ed, "editor");
    const episode = await makeEpisode(ed.viewer, podcast.id, { title: "Made by the editor" });
    await updateMember(owner.viewer, podcast.id, member.id, { role: "viewer" });
    expect(await codeOf(makeEpisode(ed.viewer, podcast.id))).toBe("forbidden");
    expect((await getEpisode(ed.viewer, episode.id)).title).toBe("Made by the editor");
    await removeMember(owner.viewer, podcast.id, member.id);
    expect(await codeOf(getEpisode(ed.viewer, episode.id))).toBe("not_found");
    expect((await listPodcasts(ed.viewer, { limit: 10 })).items).toEqual([]);
  });

  it("the owner cannot be removed or demoted; admins manage members but cannot delete or transfer", async () => {
    const { owner, podcast } = await team();
    const admin = await makeUser();
    await addMember(owner.viewer, podcast.id, admin, "admin");
    const ownerRow = (await listMembers(owner.viewer, podcast.id)).find((m) => m.role === "owner")!;
    expect(await codeOf(removeMember(admin.viewer, podcast.id, ownerRow.id))).toBe("conflict");
    expect(await codeOf(updateMember(admin.viewer, podcast.id, ownerRow.id, { role: "viewer" }))).toBe("conflict");
    expect(await codeOf(deletePodcast(admin.viewer, podcast.id))).toBe("forbidden");
    expect(await codeOf(transferPodcast(admin.viewer, podcast.id, ownerRow.id))).toBe("forbidden");
    expect(await codeOf(updatePodcast(admin.viewer, podcast.id, { description: "Admins edit settings" }))).toBe("ok");
  });

  it("transfer: the new owner owns it, the old owner stays as an admin", async () => {
    const { owner, podcast } = await team();
    const next = await makeUser();
    const member = await addMember(owner.viewer, podcast.id, next, "editor");
    const members = await transferPodcast(owner.viewer, podcast.id, member.id);
    expect(members.map((m) => [m.email, m.role])).toEqual([
      [next.email, "owner"],
      [owner.email, "admin"],
    ]);
    expect((await getPodcast(next.viewer, podcast.id)).role).toBe("owner");
    expect((await getPodcast(owner.viewer, podcast.id)).role).toBe("admin");
    expect(await codeOf(deletePodcast(owner.viewer, podcast.id))).toBe("forbidden");
    const [row] = await db.select({ ownerId: tables.podcasts.ownerId }).from(tables.podcasts).where(eq(tables.podcasts.id, podcast.id));
    expect(row!.ownerId).toBe(next.id);
  });

  it("an admin keeps the owner's cover and intro when editing settings", async () => {
    const { makeFixtureDir } = await import("@/tests/media-fixtures");
    const { uploadFromPath } = await import("@/tests/factories");
    const media = makeFixtureDir();
    try {
      const { owner, podcast } = await team();
      const admin = await makeUser();
      await addMember(owner.viewer, podcast.id, admin, "admin");
      const intro = await uploadFromPath(owner.viewer, media.wav("intro.wav", 1));
      await updatePodcast(owner.viewer, podcast.id, { introFileId: intro.id });
      // The edit form sends the files back unchanged: that is not "using someone else's file".
      expect((await updatePodcast(admin.viewer, podcast.id, { title: "Renamed", introFileId: intro.id })).introFileId).toBe(intro.id);
      // A file of the owner's that the show does not use stays out of reach.
      const other = await uploadFromPath(owner.viewer, media.wav("other.wav", 2));
      expect(await codeOf(updatePodcast(admin.viewer, podcast.id, { outroFileId: other.id }))).toBe("invalid");
    } finally {
      media.cleanup();
    }
  });
});

describe("editors and the show's files", () => {
  it("an editor processes with their own recording and the show's intro (the owner's file), but not another of the owner's files", async () => {
    const { makeFixtureDir } = await import("@/tests/media-fixtures");
    const { uploadFromPath } = await import("@/tests/factories");
    const { startProcessing } = await import("./processing");
    const media = makeFixtureDir();
    try {
      const { owner, podcast } = await team();
      const ed = await makeUser();
      await addMember(owner.viewer, podcast.id, ed, "editor");
      const intro = await uploadFromPath(owner.viewer, media.wav("intro.wav", 1));
      const ownersOther = await uploadFromPath(owner.viewer, media.wav("owners.wav", 2));
      await updatePodcast(owner.viewer, podcast.id, { introFileId: intro.id });
      const recording = await uploadFromPath(ed.viewer, media.wav("take.wav", 3));
      const episode = await makeEpisode(ed.viewer, podcast.id);
      expect(await codeOf(startProcessing(ed.viewer, episode.id, { audioFileId: ownersOther.id }))).toBe("invalid");
      const started = await startProcessing(ed.viewer, episode.id, { audioFileId: recording.id });
      expect(started).toMatchObject({ sourceFileId: recording.id, introFileId: intro.id });
      const list = await listActivity(owner.viewer, podcast.id);
      expect(list[0]).toMatchObject({ action: "episode.processed" });
    } finally {
      media.cleanup();
    }
  });
});

describe("activity", () => {
  it("records who did what, for admins and the owner only", async () => {
    const { owner, podcast } = await team();
    const ed = await makeUser({ name: "Eve Editor" });
    const viewer = await makeUser();
    await addMember(owner.viewer, podcast.id, ed, "editor");
    await addMember(owner.viewer, podcast.id, viewer, "viewer");
    await makeEpisode(ed.viewer, podcast.id, { title: "Episode by Eve" });
    const list = await listActivity(owner.viewer, podcast.id);
    expect(list[0]).toMatchObject({ actorName: "Eve Editor", action: "episode.created", targetTitle: "Episode by Eve" });
    expect(list.map((a) => a.action)).toEqual(expect.arrayContaining(["member.invited", "member.joined"]));
    expect(await codeOf(listActivity(viewer.viewer, podcast.id))).toBe("forbidden");
  });
});
