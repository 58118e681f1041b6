/**
 * The one kind of page other sites may frame: an episode's embeddable player
 * (`/p/{slug}/{episode}/embed`). Everything else refuses frames (clickjacking).
 */
export function isEmbeddablePath(pathname: string): boolean {
  return /^\/p\/[^/]+\/[^/]+\/embed\/?$/.test(pathname);
}

/**
 * Content Security Policy of proxy.ts; `dev` adds 'unsafe-eval' (React's dev tools use eval,
 * production never does). `storage`: origins of object storage (`storageOrigins()`), which
 * audio and images are redirected to and direct uploads are sent to.
 */
export function contentSecurityPolicy(opts: { nonce?: string; https: boolean; embeddable: boolean; dev?: boolean; storage?: string[] }): string {
  const { nonce, https, embeddable, dev = false } = opts;
  const storage = opts.storage?.length ? ` ${opts.storage.join(" ")}` : "";
  const frameAncestors = embeddable ? "*" : "'none'";
  if (!nonce) return `default-src 'none'; frame-ancestors ${frameAncestors}; base-uri 'none'; form-action 'none'`;
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${storage}`,
    `media-src 'self' blob:${storage}`,
    "font-src 'self'",
    `connect-src 'self'${storage}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}


/**
 * Whether the client reached the app over HTTPS: the nearest proxy's X-Forwarded-Proto, else
 * PUBLIC_URL's scheme. HSTS is sent only then (on plain HTTP it would be ignored, or lock out a
 * LAN install).
 */
export function isHttpsRequest(forwardedProto: string | null | undefined, publicUrl: string | undefined): boolean {
  const forwarded = forwardedProto?.split(",")[0]?.trim().toLowerCase();
  if (forwarded) return forwarded === "https";
  return publicUrl?.startsWith("https://") ?? false;
}

/**
 * The security headers of a response that is not a page (a feed, an enclosure): a CSP that
 * allows nothing (no scripts, so no nonce), no sniffing, and HSTS over HTTPS. Sent by those
 * routes themselves, which proxy.ts skips; `embeddable` as for pages under /p/.
 */
export function resourceSecurityHeaders(opts: { https: boolean; embeddable: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy({ https: opts.https, embeddable: opts.embeddable }),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
  };
  if (!opts.embeddable) headers["X-Frame-Options"] = "DENY";
  if (opts.https) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  return headers;
}

/**
 * The origins a browser reaches object storage at (STORAGE_DRIVER=s3): the endpoint (path style,
 * and virtual-hosted `bucket.host` unless path style is forced), AWS's regional hosts when no
 * endpoint is set, and the public CDN base. Empty with local disk.
 */
export function storageOrigins(env: {
  STORAGE_DRIVER: string;
  S3_BUCKET?: string;
  S3_REGION: string;
  S3_ENDPOINT?: string;
  S3_FORCE_PATH_STYLE: boolean;
  S3_PUBLIC_BASE_URL?: string;
}): string[] {
  if (env.STORAGE_DRIVER !== "s3") return [];
  const origins = new Set<string>();
  const endpoint = new URL(env.S3_ENDPOINT ?? `https://s3.${env.S3_REGION}.amazonaws.com`);
  origins.add(endpoint.origin);
  if (!env.S3_FORCE_PATH_STYLE && env.S3_BUCKET) origins.add(`${endpoint.protocol}//${env.S3_BUCKET}.${endpoint.host}`);
  if (!env.S3_ENDPOINT && env.S3_BUCKET) origins.add(`https://${env.S3_BUCKET}.s3.amazonaws.com`);
  if (env.S3_PUBLIC_BASE_URL) origins.add(new URL(env.S3_PUBLIC_BASE_URL).origin);
  return [...origins];
}
