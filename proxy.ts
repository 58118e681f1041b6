import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { contentSecurityPolicy, isEmbeddablePath, isHttpsRequest, storageOrigins } from "@/lib/http/security-headers";

/**
 * Security headers on every response, in one place.
 *
 * Pages get a Content Security Policy with a fresh nonce per request: scripts run only if they
 * carry it ('strict-dynamic' lets Next's own loader add its chunks); Next reads the nonce from
 * the request's Content-Security-Policy header and puts it on the scripts it renders, which is
 * why every page is rendered dynamically (they are: the root layout reads the session).
 * Styles allow 'unsafe-inline' because React style attributes (the analytics bars) cannot carry
 * a nonce; audio and images come from this origin only, or from object storage when media lives
 * there (audio redirects to presigned URLs, and direct uploads PUT parts to the bucket).
 *
 * Framing: nothing may frame the app ('none'), except an episode's embeddable player
 * (/p/{slug}/{episode}/embed), which holds no signed-in actions and is made to sit on other sites.
 * HSTS is sent only when the app is served over HTTPS (PUBLIC_URL https:// or a proxy saying
 * X-Forwarded-Proto: https): on plain HTTP it would be ignored, or lock out a LAN install.
 */
export function proxy(request: NextRequest) {
  const https = isHttps(request);
  const path = request.nextUrl.pathname;
  const isApi = path.startsWith("/api/");
  const embeddable = isEmbeddablePath(path);
  const nonce = isApi ? undefined : Buffer.from(crypto.randomUUID()).toString("base64");
  const env = getEnv();
  const csp = contentSecurityPolicy({ nonce, https, embeddable, dev: env.NODE_ENV === "development", storage: storageOrigins(env) });

  let response: NextResponse;
  if (nonce) {
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("x-nonce", nonce);
    requestHeaders.set("Content-Security-Policy", csp);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  } else {
    response = NextResponse.next();
  }
  response.headers.set("Content-Security-Policy", csp);
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  if (!embeddable) response.headers.set("X-Frame-Options", "DENY"); // for browsers without frame-ancestors
  if (https) response.headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  return response;
}

function isHttps(request: NextRequest): boolean {
  return isHttpsRequest(request.headers.get("x-forwarded-proto"), getEnv().PUBLIC_URL);
}

export const config = {
  matcher: [
    // Everything but Next's immutable build assets (no need for per-request headers there) and
    // uploads: a proxied request body is buffered and cut at 10 MB, and uploads stream gigabytes
    // (their JSON answers still carry nosniff from lib/api/respond.ts). Feeds and enclosures too:
    // they are not pages, so they need no nonce, and send their own headers
    // (lib/delivery/, resourceSecurityHeaders) so that `npm start` can answer them before Next;
    // subscribers' feeds and enclosures (/s/<token>/…) alike.
    { source: "/((?!_next/static|_next/image|favicon.ico|api/v1/files|p/[^/]+/feed\\.xml$|p/[^/]+/[^/]+/audio\\.mp3$|p/[^/]+/[^/]+/audio\\.opus$|s/[^/]+/feed\\.xml$|s/[^/]+/[^/]+/audio\\.mp3$|s/[^/]+/[^/]+/audio\\.opus$).*)" },
  ],
};
