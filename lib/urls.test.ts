import { describe, expect, it } from "vitest";
import { isLocalBase } from "./urls";

describe("isLocalBase", () => {
  it("knows this machine and the local network from a public name", () => {
    for (const local of ["http://localhost:3000", "http://app.localhost", "http://studio.local", "http://127.0.0.1:3000", "http://[::1]:3000", "http://10.0.0.5", "http://192.168.1.20", "http://172.16.3.4", "http://169.254.1.1", "not a url"]) {
      expect(isLocalBase(local), local).toBe(true);
    }
    for (const pub of ["https://pods.example", "https://podcasts.example.com", "http://93.184.216.34", "https://[2606:4700::1111]"]) {
      expect(isLocalBase(pub), pub).toBe(false);
    }
  });
});
