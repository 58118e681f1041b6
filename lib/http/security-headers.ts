/** Content Security Policy of proxy.ts; `dev` adds 'unsafe-eval' (React's dev tools use eval, production never does). */
export function contentSecurityPolicy(opts: { nonce?: string; https: boolean; embeddable: boolean; dev?: boolean }): string {
  const { nonce, https, embeddable, dev = false } = opts;
  const frameAncestors = embeddable ? "*" : "'none'";
  if (!nonce) return `default-src 'none'; frame-ancestors ${frameAncestors}; base-uri 'none'; form-action 'none'`;
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

