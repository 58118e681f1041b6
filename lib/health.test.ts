import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";
import { getEnv } from "@/lib/env";
import type { Executor } from "@/lib/jobs/executor";
import { startExecutor, testClient } from "@/lib/jobs/test-kit";
import { resetStorageForTests, setStorageForTests } from "@/lib/storage";
import { S3Storage } from "@/lib/storage/s3";
import { startTestS3 } from "@/lib/storage/s3-test-server";

async function health() {
  const res = await GET();
  return { status: res.status, body: await res.json(), cacheControl: res.headers.get("cache-control") };
}

let executor: Executor | undefined;
afterEach(async () => {
  await executor?.stop();
  executor = undefined;
});

describe("/api/health", () => {
  it("is 200 when the database, storage and the embedded executor are all ok", async () => {
    const setup = testClient("health-ok");
    executor = await startExecutor(setup, []);
    const { status, body, cacheControl } = await health();
    expect(status).toBe(200);
    expect(cacheControl).toBe("no-store");
    expect(body).toMatchObject({
      status: "ok",
      database: { ok: true, dialect: process.env.TEST_DB === "postgres" ? "postgres" : "sqlite" },
      storage: { ok: true },
      executor: { ok: true, mode: "embedded", state: "running" },
    });
    expect(body.executor.lastTickAgoMs).toBeLessThan(5000);
    expect(fs.readdirSync(path.join(getEnv().dataDir, "tmp")).filter((f) => f.startsWith("health-"))).toEqual([]);
  });

  it("is 503 naming the executor when none runs (or it stopped)", async () => {
    executor = await startExecutor(testClient("health-stop"), []);
    await executor.stop();
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: "error", database: { ok: true }, storage: { ok: true }, executor: { ok: false } });
    expect(body.executor.error).toMatch(/not running/);
  });

  it("is 503 naming storage when DATA_DIR/tmp cannot be written", async () => {
    executor = await startExecutor(testClient("health-storage"), []);
    const tmp = path.join(getEnv().dataDir, "tmp");
    const aside = `${tmp}.aside`;
    if (fs.existsSync(tmp)) fs.renameSync(tmp, aside);
    fs.writeFileSync(tmp, "not a directory");
    try {
      const { status, body } = await health();
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: "error", database: { ok: true }, executor: { ok: true }, storage: { ok: false } });
      expect(body.storage.error).toMatch(/DATA_DIR\/tmp/);
    } finally {
      fs.rmSync(tmp);
      if (fs.existsSync(aside)) fs.renameSync(aside, tmp);
    }
  });

  it("with object storage, is 200 while the bucket answers and 503 naming it when it does not", async () => {
    executor = await startExecutor(testClient("health-bucket"), []);
    const s3 = await startTestS3();
    try {
      setStorageForTests(() => s3.storage);
      expect((await health()).body.storage).toMatchObject({ ok: true });
      setStorageForTests(
        () =>
          new S3Storage({
            bucket: "no-such-bucket",
            region: "us-east-1",
            endpoint: s3.endpoint,
            forcePathStyle: true,
            credentials: s3.credentials,
            cacheDir: s3.cacheDir,
          }),
      );
      const { status, body } = await health();
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: "error", database: { ok: true }, executor: { ok: true }, storage: { ok: false } });
      expect(body.storage.error).toMatch(/bucket did not answer/);
      expect(JSON.stringify(body)).not.toContain("S3RVER");
    } finally {
      resetStorageForTests();
      await s3.close();
    }
  });
});
