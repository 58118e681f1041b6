/**
 * A show's roles and what each may do, with no database behind it (lib/data/access.ts checks
 * them; pages use them to say why a control is missing):
 *
 * - viewer: reads the show, its episodes and its analytics
 * - editor: episodes (create, edit, delete, process, publish, transcripts, chapters)
 * - admin: the podcast's settings, its members and subscribers
 * - owner: deleting the podcast, transferring it
 */
export type PodcastRole = "owner" | "admin" | "editor" | "viewer";
export const PODCAST_ROLES: readonly PodcastRole[] = ["owner", "admin", "editor", "viewer"];

const RANK: Record<PodcastRole, number> = { viewer: 1, editor: 2, admin: 3, owner: 4 };

/** True when `role` includes everything `need` may do. */
export function roleAtLeast(role: PodcastRole, need: PodcastRole): boolean {
  return RANK[role] >= RANK[need];
}

const NEEDS: Record<PodcastRole, string> = {
  viewer: "a member of this show",
  editor: "an editor, admin or the owner of this show",
  admin: "an admin or the owner of this show",
  owner: "the owner of this show",
};

/** "You are a viewer of this show; only an editor, admin or the owner of this show can do this." */
export function forbiddenMessage(role: PodcastRole, need: PodcastRole): string {
  return `You are ${role === "viewer" ? "a" : "an"} ${role} of this show; only ${NEEDS[need]} can do this.`;
}
