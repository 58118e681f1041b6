import { afterEach, describe, expect, it } from "vitest";
import { getEnv, resetEnvForTests } from "@/lib/env";
import { deliveryUrl, getStorage, newStorageKey, resetStorageForTests } from "@/lib/storage";
import { LocalDiskStorage } from "./local";
import { S3Storage } from "./s3";

const VARS = [
  "STORAGE_DRIVER",
  "S3_BUCKET",
  "S3_REGION",
  "S3_ENDPOINT",
  "S3_ACCESS_KEY_ID",
  "S3_SECRET_ACCESS_KEY",
  "S3_FORCE_PATH_STYLE",
  "S3_PUBLIC_BASE_URL",
] as const;
const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));

function configure(vars: Partial<Record<(typeof VARS)[number], string>>) {
  for (const v of VARS) delete process.env[v];
  Object.assign(process.env, vars);
  resetEnvForTests();
  resetStorageForTests();
}

afterEach(() => {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
  resetEnvForTests();
  resetStorageForTests();
});

const s3 = {
  STORAGE_DRIVER: "s3",
  S3_BUCKET: "media",
  S3_ENDPOINT: "http://127.0.0.1:9000",
  S3_ACCESS_KEY_ID: "minio",
  S3_SECRET_ACCESS_KEY: "minio-secret",
  S3_FORCE_PATH_STYLE: "true",
};

describe("storage configuration", () => {
  it("uses local disk by default, streamed by the app", async () => {
    configure({});
    expect(getEnv().STORAGE_DRIVER).toBe("local");
    expect(getStorage()).toBeInstanceOf(LocalDiskStorage);
    expect(await deliveryUrl(newStorageKey())).toBeNull();
  });

  it("refuses bad S3 settings, naming the variable", () => {
    const fails = (vars: Record<string, string>, message: RegExp) => {
      configure(vars);
      expect(() => getEnv()).toThrow(message);
    };
    fails({ STORAGE_DRIVER: "s3" }, /S3_BUCKET: is required when STORAGE_DRIVER is s3/);
    fails({ STORAGE_DRIVER: "nfs" }, /STORAGE_DRIVER: must be local or s3/);
    fails({ ...s3, S3_SECRET_ACCESS_KEY: "" }, /S3_SECRET_ACCESS_KEY: is required when S3_ACCESS_KEY_ID is set/);
    fails({ ...s3, S3_ACCESS_KEY_ID: "" }, /S3_ACCESS_KEY_ID: is required when S3_SECRET_ACCESS_KEY is set/);
    fails({ ...s3, S3_FORCE_PATH_STYLE: "yes" }, /S3_FORCE_PATH_STYLE: must be true or false/);
    fails({ ...s3, S3_ENDPOINT: "minio:9000" }, /S3_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/);
    fails({ ...s3, S3_PUBLIC_BASE_URL: "cdn.example.com" }, /S3_PUBLIC_BASE_URL: must be an http:\/\/ or https:\/\/ URL/);
  });

  it("picks S3 when configured, presigning delivery URLs for ten minutes", async () => {
    configure(s3);
    expect(getEnv()).toMatchObject({ S3_FORCE_PATH_STYLE: true, S3_REGION: "us-east-1" });
    expect(getStorage()).toBeInstanceOf(S3Storage);
    const key = newStorageKey("out");
    const url = new URL((await deliveryUrl(key, { contentType: "audio/mpeg" }))!);
    expect(`${url.origin}${url.pathname}`).toBe(`http://127.0.0.1:9000/media/${key}`);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("600");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(/^minio\//);
    expect(url.searchParams.get("response-content-type")).toBe("audio/mpeg");
  });

  it("delivers from the public base URL when one is set, private files still presigned", async () => {
    configure({ ...s3, S3_PUBLIC_BASE_URL: "https://cdn.example.com/" });
    const key = newStorageKey("out");
    expect(await deliveryUrl(key)).toBe(`https://cdn.example.com/${key}`);
    const signed = new URL((await deliveryUrl(key, { private: true }))!);
    expect(signed.origin).toBe("http://127.0.0.1:9000");
    expect(signed.searchParams.get("X-Amz-Signature")).toBeTruthy();
  });
});
