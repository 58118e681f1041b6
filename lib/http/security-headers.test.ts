import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "./security-headers";

describe("contentSecurityPolicy", () => {
  it("allows only nonce'd scripts, same-origin media and images, and no framing on app pages", () => {
    const csp = contentSecurityPolicy({ nonce: "abc123", https: false, embeddable: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("media-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("lets public pages be embedded and upgrades requests over HTTPS", () => {
    const csp = contentSecurityPolicy({ nonce: "n", https: true, embeddable: true });
    expect(csp).toContain("frame-ancestors *");
    expect(csp).toContain("upgrade-insecure-requests");
  });

  it("locks API answers down completely", () => {
    expect(contentSecurityPolicy({ https: false, embeddable: false })).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
  });
});
