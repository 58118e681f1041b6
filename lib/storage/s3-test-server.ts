import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { S3Storage } from "./s3";

/**
 * Tests only: an S3-protocol server (s3rver, pure JavaScript) on loopback with one bucket, and
 * an S3Storage pointed at it. `close()` stops the server and removes its files.
 */
export async function startTestS3(opts: { publicBaseUrl?: string } = {}) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "podcastpro-s3-"));
  const bucket = "podcastpro-test";
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: path.join(dir, "server"),
    configureBuckets: [{ name: bucket, configs: [] }],
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
    cacheDir: path.join(dir, "cache"),
    async close() {
      storage.client.destroy();
      await server.close();
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}
