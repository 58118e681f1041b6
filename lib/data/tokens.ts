import "server-only";
import crypto from "node:crypto";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { db, tables } from "@/db";
import type { Viewer } from "@/lib/auth/viewer";
import { AppError, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import type { CreateTokenInput } from "@/lib/validation/user";
import { withCredentialsLimit } from "@/lib/auth/rate-limit";
import { verifyCredentials } from "./users";

const PREFIX = "pp_";

const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

export interface ApiTokenInfo {
  id: string;
  name: string;
  lastFour: string;
  expiresAt: Date;
  lastUsedAt: Date | null;
  createdAt: Date;
}

/**
 * Exchanges an e-mail and password for a new bearer token. The token is returned once and only
 * its hash is stored. Wrong e-mail and wrong password fail alike, and both count against the
 * credentials rate limit of the e-mail and of the client's address (`ip`).
 */
export async function createApiToken(input: CreateTokenInput, ip: string | null = null): Promise<NewToken> {
  const user = await withCredentialsLimit({ account: input.email, ip }, () => verifyCredentials(input.email, input.password));
  if (!user) throw new AppError("unauthorized", "E-mail or password is incorrect.");
  return issueToken(user.id, input.name, input.expiresInDays);
}

/** A new token for the signed-in viewer (from the dashboard's settings). */
export async function createApiTokenForViewer(viewer: Viewer, input: { name: string; expiresInDays: number }): Promise<NewToken> {
  return issueToken(viewer.userId, input.name, input.expiresInDays);
}

interface NewToken {
  token: string;
  expiresAt: Date;
  id: string;
}

async function issueToken(userId: string, name: string, expiresInDays: number): Promise<NewToken> {
  const token = PREFIX + crypto.randomBytes(32).toString("base64url");
  const now = new Date();
  const expiresAt = new Date(now.getTime() + expiresInDays * 86_400_000);
  const id = newId();
  await db.insert(tables.apiTokens).values({
    id,
    userId,
    name,
    tokenHash: hashToken(token),
    lastFour: token.slice(-4),
    expiresAt,
    createdAt: now,
  });
  return { token, expiresAt, id };
}

/** The viewer a bearer token stands for, or null if it is unknown, expired or revoked. */
export async function authenticateApiToken(token: string): Promise<Viewer | null> {
  if (!token.startsWith(PREFIX) || token.length > 200) return null;
  const now = new Date();
  const [row] = await db
    .select({ id: tables.apiTokens.id, userId: tables.apiTokens.userId, lastUsedAt: tables.apiTokens.lastUsedAt })
    .from(tables.apiTokens)
    .where(
      and(
        eq(tables.apiTokens.tokenHash, hashToken(token)),
        isNull(tables.apiTokens.revokedAt),
        gt(tables.apiTokens.expiresAt, now),
      ),
    );
  if (!row) return null;
  // Record use at most once a minute, to keep reads cheap.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(tables.apiTokens).set({ lastUsedAt: now }).where(eq(tables.apiTokens.id, row.id));
  }
  return { userId: row.userId };
}

/** The viewer's tokens that still work, newest first. */
export async function listApiTokens(viewer: Viewer): Promise<ApiTokenInfo[]> {
  return db
    .select({
      id: tables.apiTokens.id,
      name: tables.apiTokens.name,
      lastFour: tables.apiTokens.lastFour,
      expiresAt: tables.apiTokens.expiresAt,
      lastUsedAt: tables.apiTokens.lastUsedAt,
      createdAt: tables.apiTokens.createdAt,
    })
    .from(tables.apiTokens)
    .where(
      and(
        eq(tables.apiTokens.userId, viewer.userId),
        isNull(tables.apiTokens.revokedAt),
        gt(tables.apiTokens.expiresAt, new Date()),
      ),
    )
    .orderBy(desc(tables.apiTokens.createdAt));
}

/** Revokes one of the viewer's tokens. */
export async function revokeApiToken(viewer: Viewer, tokenId: string): Promise<void> {
  const rows = await db
    .update(tables.apiTokens)
    .set({ revokedAt: new Date() })
    .where(
      and(eq(tables.apiTokens.id, tokenId), eq(tables.apiTokens.userId, viewer.userId), isNull(tables.apiTokens.revokedAt)),
    )
    .returning({ id: tables.apiTokens.id });
  if (rows.length === 0) throw notFound("Token");
}
