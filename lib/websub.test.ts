import { afterEach, describe, expect, it } from "vitest";
import { getEnv, resetEnvForTests } from "@/lib/env";

afterEach(() => {
  delete process.env.WEBSUB_HUB_URL;
  delete process.env.PUBLIC_URL;
  resetEnvForTests();
});

describe("WEBSUB_HUB_URL", () => {
  it("is a comma-separated list of http(s) hubs, none by default", () => {
    expect(getEnv().WEBSUB_HUB_URL).toEqual([]);
    process.env.WEBSUB_HUB_URL = " https://hub.example/ , http://127.0.0.1:9/hub ";
    process.env.PUBLIC_URL = "https://podcasts.example";
    resetEnvForTests();
    expect(getEnv().WEBSUB_HUB_URL).toEqual(["https://hub.example/", "http://127.0.0.1:9/hub"]);
  });

  it("refuses a non-URL and hubs without PUBLIC_URL, naming the variable", () => {
    process.env.WEBSUB_HUB_URL = "https://hub.example/,ftp://x";
    process.env.PUBLIC_URL = "https://podcasts.example";
    resetEnvForTests();
    expect(() => getEnv()).toThrow(/WEBSUB_HUB_URL: must be http/);
    process.env.WEBSUB_HUB_URL = "https://hub.example/";
    delete process.env.PUBLIC_URL;
    resetEnvForTests();
    expect(() => getEnv()).toThrow(/PUBLIC_URL: is required when WEBSUB_HUB_URL is set/);
  });
});
