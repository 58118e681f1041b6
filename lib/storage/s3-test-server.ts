import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { S3Storage } from "./s3";

/** The CORS rule a bucket needs for direct uploads from browsers (docs/DEPLOY.md has the same). */
const CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/**
 * Tests only: an S3-protocol server (s3rver, pure JavaScript) on loopback with one bucket, and
 * an S3Storage pointed at it. `close()` stops the server and removes its files.
 */
export async function startTestS3(opts: { publicBaseUrl?: string; port?: number } = {}) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "podcastpro-s3-"));
  const bucket = "podcastpro-test";
  const server = new S3rver({
    address: "127.0.0.1",
    port: opts.port ?? 0,
    silent: true,
    directory: path.join(dir, "server"),
    // Browsers PUT parts of direct uploads from the app's origin and must read each ETag.
    configureBuckets: [{ name: bucket, configs: [CORS] }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const storage = new S3Storage({
    bucket,
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    // s3rver's fixed credentials (it checks the key id, but not V4 signatures).
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    publicBaseUrl: opts.publicBaseUrl,
    cacheDir: path.join(dir, "cache"),
  });
  return {
    storage,
    endpoint,
    bucket,
    /** s3rver's fixed credentials. */
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    cacheDir: path.join(dir, "cache"),
    async close() {
      storage.client.destroy();
      await server.close();
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}
