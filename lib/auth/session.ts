import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { findSessionUser, type UserProfile } from "@/lib/data/users";
import { getAuthOptions } from "./options";
import type { Viewer } from "./viewer";

/** The signed-in user of this request (checked against the database), or null. */
export const getSessionUser = cache(async (): Promise<UserProfile | null> => {
  // Anonymous visitors carry no session cookie: answer without decrypting anything.
  const jar = await cookies();
  if (!jar.getAll().some((c) => c.name.includes("next-auth.session-token"))) return null;
  const session = await getServerSession(getAuthOptions());
  if (!session?.uid || typeof session.sv !== "number") return null;
  return findSessionUser(session.uid, session.sv);
});

/** The viewer of this request, or a redirect to sign-in. For pages and server actions. */
export async function requireViewer(): Promise<Viewer> {
  const user = await getSessionUser();
  if (!user) redirect("/signin");
  return { userId: user.id };
}
