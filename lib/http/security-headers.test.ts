import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, isEmbeddablePath, storageOrigins } from "./security-headers";

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

  it("lets only the episode embed player be framed", () => {
    expect(isEmbeddablePath("/p/show/ep-1/embed")).toBe(true);
    expect(isEmbeddablePath("/p/show/ep-1/embed/")).toBe(true);
    for (const p of ["/p/show", "/p/show/ep-1", "/p/show/ep-1/embed/x", "/p/show/embed", "/dashboard/p/a/b/embed", "/api/oembed", "/p/show/ep-1/embedded"]) {
      expect(isEmbeddablePath(p), p).toBe(false);
    }
  });

  it("locks API answers down completely", () => {
    expect(contentSecurityPolicy({ https: false, embeddable: false })).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
  });

  it("lets pages reach object storage for audio, images and direct uploads, and nothing else", () => {
    const base = { S3_BUCKET: "shows", S3_REGION: "eu-west-1", S3_FORCE_PATH_STYLE: false };
    expect(storageOrigins({ ...base, STORAGE_DRIVER: "local" })).toEqual([]);
    expect(storageOrigins({ ...base, STORAGE_DRIVER: "s3" })).toEqual([
      "https://s3.eu-west-1.amazonaws.com",
      "https://shows.s3.eu-west-1.amazonaws.com",
      "https://shows.s3.amazonaws.com",
    ]);
    const minio = storageOrigins({
      ...base,
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: "http://127.0.0.1:9000/",
      S3_FORCE_PATH_STYLE: true,
      S3_PUBLIC_BASE_URL: "https://cdn.example.com/media",
    });
    expect(minio).toEqual(["http://127.0.0.1:9000", "https://cdn.example.com"]);
    const csp = contentSecurityPolicy({ nonce: "n", https: false, embeddable: false, storage: minio });
    for (const directive of ["connect-src", "media-src", "img-src"]) {
      expect(csp).toMatch(new RegExp(`${directive} [^;]*http://127\\.0\\.0\\.1:9000 https://cdn\\.example\\.com`));
    }
    expect(csp).toMatch(/script-src 'self' 'nonce-n' 'strict-dynamic';/);
  });
});
