import type { Viewer } from "@/lib/auth/viewer";
import { createEpisode } from "@/lib/data/episodes";
import { acceptInvitation, inviteMember } from "@/lib/data/members";
import { createPodcast } from "@/lib/data/podcasts";
import { createUser } from "@/lib/data/users";
import { createEpisodeSchema } from "@/lib/validation/episode";
import { createPodcastSchema } from "@/lib/validation/podcast";

let n = 0;
const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function makeUser(overrides: { email?: string; password?: string; name?: string } = {}) {
  const password = overrides.password ?? "correct horse battery";
  const profile = await createUser({
    name: overrides.name ?? "Test User",
    email: overrides.email ?? `user-${unique()}@example.com`,
    password,
  });
  const viewer: Viewer = { userId: profile.id };
  return { ...profile, password, viewer };
}

export async function makePodcast(viewer: Viewer, input: Record<string, unknown> = {}) {
  return createPodcast(viewer, createPodcastSchema.parse({ title: `Show ${unique()}`, ...input }));
}

/** Makes `member` a member of the podcast with `role`, through an invitation the admin sends and they accept. */
export async function addMember(admin: Viewer, podcastId: string, member: { email: string; viewer: Viewer }, role: "admin" | "editor" | "viewer") {
  const invitation = await inviteMember(admin, podcastId, { email: member.email, role });
  await acceptInvitation(member.viewer, invitation.inviteToken);
  const { listMembers } = await import("@/lib/data/members");
  return (await listMembers(admin, podcastId)).find((m) => m.email === member.email.toLowerCase())!;
}

export async function makeEpisode(viewer: Viewer, podcastId: string, input: Record<string, unknown> = {}) {
  return createEpisode(viewer, podcastId, createEpisodeSchema.parse({ title: `Episode ${unique()}`, ...input }));
}

/**
 * A published episode with real MP3 audio (a short tone made with ffmpeg), without running the
 * mastering pipeline: for feed, delivery and analytics tests.
 */
export async function makePublishedEpisode(
  viewer: Viewer,
  podcastId: string,
  input: Record<string, unknown> & { publishedAt?: Date; seconds?: number; picture?: string } = {},
) {
  const { execFileSync } = await import("node:child_process");
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const nodeCrypto = await import("node:crypto");
  const ffmpeg = (await import("@ffmpeg-installer/ffmpeg")).default.path;
  const { db, tables } = await import("@/db");
  const { eq } = await import("drizzle-orm");
  const { ingestUpload } = await import("@/lib/data/media");
  const { publishedAt, seconds = 3, picture, ...fields } = input;
  const tmp = path.join(os.tmpdir(), `pp-episode-${nodeCrypto.randomUUID()}.mp3`);
  // `picture`: an image embedded in the ID3 tag (APIC), as mastering embeds the cover.
  const art = picture ? ["-i", picture, "-map", "0:a", "-map", "1:v", "-c:v", "copy", "-id3v2_version", "3"] : [];
  execFileSync(ffmpeg, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", `sine=frequency=${200 + Math.floor(Math.random() * 800)}:duration=${seconds}`, ...art, "-c:a", "libmp3lame", "-b:a", "64k", tmp]);
  const data = fs.readFileSync(tmp);
  const { file } = await ingestUpload(viewer, {
    tempPath: tmp,
    originalFilename: "episode.mp3",
    sizeBytes: data.length,
    sha256: nodeCrypto.createHash("sha256").update(data).digest("hex"),
  });
  const episode = await makeEpisode(viewer, podcastId, fields);
  await db
    .update(tables.episodes)
    .set({ audioFileId: file.id, durationSeconds: Math.round(file.durationSeconds ?? seconds), sizeBytes: file.sizeBytes, status: "published", publishedAt: publishedAt ?? new Date() })
    .where(eq(tables.episodes.id, episode.id));
  const { bumpFeedVersion } = await import("@/lib/data/feed-version");
  await bumpFeedVersion(db, podcastId); // as publishing does: the feed changed
  return { ...episode, audioFileId: file.id, sizeBytes: file.sizeBytes, audioBytes: data };
}

/** A file of the viewer's media library made from a local file (the upload route's last half). */
export async function uploadFromPath(viewer: Viewer, file: string) {
  const fsp = await import("node:fs/promises");
  const os = await import("node:os");
  const path = await import("node:path");
  const nodeCrypto = await import("node:crypto");
  const { ingestUpload } = await import("@/lib/data/media");
  const tempPath = path.join(os.tmpdir(), `pp-upload-${nodeCrypto.randomUUID()}`);
  await fsp.copyFile(file, tempPath);
  const data = await fsp.readFile(file);
  const { file: media } = await ingestUpload(viewer, {
    tempPath,
    originalFilename: path.basename(file),
    sizeBytes: data.length,
    sha256: nodeCrypto.createHash("sha256").update(data).digest("hex"),
  });
  return media;
}
