import { authed, open, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { clientIp } from "@/lib/auth/rate-limit";
import { createApiToken, listApiTokens } from "@/lib/data/tokens";
import { createTokenSchema } from "@/lib/validation/user";

export const POST = open(async ({ req }) => {
  const { token, expiresAt, id } = await createApiToken(await readJson(req, createTokenSchema), clientIp(req.headers));
  return json({ token, expiresAt, id }, 201);
});

export const GET = authed(async ({ viewer }) => json({ items: await listApiTokens(viewer), nextCursor: null }));
