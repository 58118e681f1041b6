import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { db, tables } from "@/db";
import { isUniqueViolation } from "@/db/errors";
import { transaction } from "@/db/tx";
import { hashPassword, verifyDummyPassword, verifyPassword } from "@/lib/auth/password";
import { withCredentialsLimit } from "@/lib/auth/rate-limit";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import type { ChangePasswordInput, SignUpInput } from "@/lib/validation/user";

export interface UserProfile {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
}

function toProfile(row: typeof tables.users.$inferSelect): UserProfile {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.createdAt };
}

/** Signs a new user up. A taken e-mail is a conflict on the `email` field. */
export async function createUser(input: SignUpInput): Promise<UserProfile> {
  const now = new Date();
  const passwordHash = await hashPassword(input.password);
  try {
    const [row] = await db
      .insert(tables.users)
      .values({ id: newId(), email: input.email, name: input.name, passwordHash, createdAt: now, updatedAt: now })
      .returning();
    return toProfile(row!);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError("conflict", "An account with this e-mail already exists.", {
        fields: { email: "An account with this e-mail already exists. Sign in instead." },
      });
    }
    throw err;
  }
}

/** The user behind an e-mail and password, or null; the answer takes as long either way. */
export async function verifyCredentials(
  email: string,
  password: string,
): Promise<(UserProfile & { sessionVersion: number }) | null> {
  const [row] = await db.select().from(tables.users).where(eq(tables.users.email, email.trim().toLowerCase()));
  if (!row) return verifyDummyPassword(password).then(() => null);
  if (!(await verifyPassword(row.passwordHash, password))) return null;
  return { ...toProfile(row), sessionVersion: row.sessionVersion };
}

/** The viewer's own profile. */
export async function getProfile(viewer: Viewer): Promise<UserProfile> {
  const [row] = await db.select().from(tables.users).where(eq(tables.users.id, viewer.userId));
  if (!row) throw notFound("User");
  return toProfile(row);
}

/** The session's user if it still exists and the session was not revoked since it was issued. */
export async function findSessionUser(userId: string, sessionVersion: number): Promise<UserProfile | null> {
  const [row] = await db.select().from(tables.users).where(eq(tables.users.id, userId));
  if (!row || row.sessionVersion !== sessionVersion) return null;
  return toProfile(row);
}

/**
 * Changes the viewer's password after checking the current one (under the credentials rate
 * limit of the account). Every session (this one too) and every API token stop working.
 */
export async function changePassword(viewer: Viewer, input: ChangePasswordInput): Promise<void> {
  const [row] = await db.select().from(tables.users).where(eq(tables.users.id, viewer.userId));
  if (!row) throw notFound("User");
  const ok = await withCredentialsLimit({ account: row.email, ip: null }, async () =>
    (await verifyPassword(row.passwordHash, input.currentPassword)) ? true : null,
  );
  if (!ok) {
    throw new AppError("invalid", "The current password is incorrect.", {
      fields: { currentPassword: "The current password is incorrect." },
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  const now = new Date();
  await transaction(async (tx) => {
    await tx
      .update(tables.users)
      .set({ passwordHash, sessionVersion: sql`${tables.users.sessionVersion} + 1`, updatedAt: now })
      .where(eq(tables.users.id, viewer.userId));
    await tx
      .update(tables.apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(tables.apiTokens.userId, viewer.userId), isNull(tables.apiTokens.revokedAt)));
  });
}

/** Ends every session of the viewer, on every device (API tokens are revoked separately). */
export async function signOutEverywhere(viewer: Viewer): Promise<void> {
  const rows = await db
    .update(tables.users)
    .set({ sessionVersion: sql`${tables.users.sessionVersion} + 1`, updatedAt: new Date() })
    .where(eq(tables.users.id, viewer.userId))
    .returning({ id: tables.users.id });
  if (rows.length === 0) throw notFound("User");
}
