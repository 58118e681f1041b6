import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { verifyCredentials } from "@/lib/data/users";
import { getAuthSecret, getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { clientIp, withCredentialsLimit } from "./rate-limit";
import { credentialsSchema } from "@/lib/validation/user";

declare module "next-auth" {
  interface Session {
    uid?: string;
    sv?: number;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    sv?: number;
  }
}

let options: NextAuthOptions | undefined;

/**
 * next-auth 4 (the stable line; 5 is still a beta) with e-mail + password. Sessions are
 * encrypted JWT cookies, so they survive restarts; each carries the user's session version,
 * which getSessionUser() (./session.ts) checks against the database, so that revoking sessions
 * takes effect at once.
 */
export function getAuthOptions(): NextAuthOptions {
  if (options) return options;
  const env = getEnv();
  const secure = env.PUBLIC_URL?.startsWith("https://") ?? false;
  options = {
    secret: getAuthSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    useSecureCookies: secure,
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "E-mail",
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const { email, password } = parsed.data;
          let user: Awaited<ReturnType<typeof verifyCredentials>>;
          try {
            user = await withCredentialsLimit({ account: email, ip: clientIp(req?.headers) }, () =>
              verifyCredentials(email, password),
            );
          } catch (err) {
            // next-auth hands a thrown message to the client (signIn() → error): only ours.
            if (isAppError(err) && err.code === "rate_limited") throw new Error(err.message);
            log.error("sign-in failed", { err });
            throw new Error("Signing in failed on our side. Please try again.");
          }
          if (!user) return null;
          return { id: user.id, email: user.email, name: user.name, sv: user.sessionVersion };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (user as { sv?: number }).sv ?? 1;
        }
        return token;
      },
      session({ session, token }) {
        session.uid = token.uid;
        session.sv = token.sv;
        return session;
      },
    },
  };
  return options;
}
