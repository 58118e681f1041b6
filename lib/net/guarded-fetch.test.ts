import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockedAddressReason } from "./addresses";
import { fetchBuffer, fetchFailure, guardedFetch, type Resolver } from "./guarded-fetch";

// Every server here listens on 127.0.0.1 only; no other address is ever connected to.
let server: http.Server;
let base: string;
let port: number;
const hits: { url: string; host: string | undefined }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push({ url: req.url!, host: req.headers.host });
    const u = new URL(req.url!, "http://x");
    if (u.pathname === "/ok") return void res.end("hello");
    if (u.pathname.startsWith("/hop/")) {
      const n = Number(u.pathname.split("/")[2]);
      res.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : "/ok" });
      return void res.end();
    }
    if (u.pathname === "/redirect") {
      res.writeHead(302, { location: u.searchParams.get("to")! });
      return void res.end();
    }
    if (u.pathname === "/to-file") {
      res.writeHead(301, { location: "file:///etc/passwd" });
      return void res.end();
    }
    if (u.pathname === "/big") {
      res.writeHead(200, { "content-length": String(5000) });
      return void res.end(Buffer.alloc(5000));
    }
    if (u.pathname === "/big-chunked") {
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000));
      return void res.end();
    }
    if (u.pathname === "/slow") return; // never answers
    res.writeHead(404);
    res.end("nope");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const allow = { maxBytes: 1024 * 1024, allowPrivateNetwork: true };
const deny = { maxBytes: 1024 * 1024, allowPrivateNetwork: false };

async function failureOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    return { code: fetchFailure(err), message: (err as Error).message };
  }
  throw new Error("expected the fetch to fail");
}

describe("address rules", () => {
  it.each([
    "127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::",
  ])("refuses %s", (a) => {
    expect(blockedAddressReason(a)).not.toBeNull();
  });

  // The other half of the proof: the check is not "refuse everything".
  it.each(["93.184.216.34", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:93.184.216.34", "2a00:1450:4001::200e"])(
    "allows the public address %s",
    (a) => {
      expect(blockedAddressReason(a)).toBeNull();
    },
  );
});

describe("guardedFetch against a loopback server", () => {
  it("refuses loopback with the flag off, naming why", async () => {
    const before = hits.length;
    const f = await failureOf(guardedFetch(`${base}/ok`, deny));
    expect(f.code).toBe("address");
    expect(f.message).toMatch(/127\.0\.0\.1.*loopback/);
    expect(hits.length).toBe(before);
  });

  it("refuses a name that resolves to loopback with the flag off", async () => {
    const resolver: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];
    const before = hits.length;
    const f = await failureOf(guardedFetch(`http://feeds.example.test:${port}/ok`, { ...deny, resolver }));
    expect(f.code).toBe("address");
    expect(f.message).toContain("feeds.example.test (127.0.0.1)");
    expect(hits.length).toBe(before);
  });

  it("fails safe when one answer is public and another private (no connection at all)", async () => {
    // A rebinding-style answer: the public address first, loopback after. Refusing the whole
    // answer means the public address is never connected to and the loopback one neither.
    const resolver: Resolver = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "127.0.0.1", family: 4 },
    ];
    const before = hits.length;
    const f = await failureOf(guardedFetch(`http://rebind.example.test:${port}/ok`, { ...deny, resolver }));
    expect(f.code).toBe("address");
    expect(hits.length).toBe(before);
  });

  it("connects to the address it checked: one resolution per connection, Host kept", async () => {
    // If the check and the connection resolved separately, the second answer (loopback) would
    // be used unchecked. Count the resolutions: one per hop, and the request carries the name.
    let calls = 0;
    const resolver: Resolver = async () => {
      calls++;
      return [{ address: "127.0.0.1", family: 4 }];
    };
    const got = await fetchBuffer(`http://feeds.example.test:${port}/ok`, { ...allow, resolver });
    expect(got.body.toString()).toBe("hello");
    expect(calls).toBe(1);
    expect(hits.at(-1)!.host).toBe(`feeds.example.test:${port}`);
  });

  it("works with the flag on", async () => {
    const got = await fetchBuffer(`${base}/ok`, allow);
    expect(got.body.toString()).toBe("hello");
  });

  it("refuses other schemes with 422 naming http and https", async () => {
    for (const url of ["file:///etc/passwd", "ftp://example.com/x", "gopher://x", "javascript:alert(1)"]) {
      try {
        await guardedFetch(url, allow);
        throw new Error("should fail");
      } catch (err) {
        expect((err as { code: string }).code).toBe("invalid");
        expect((err as Error).message).toMatch(/Only http and https/);
      }
    }
  });

  it("follows up to five redirects, re-checking each hop", async () => {
    const res = await guardedFetch(`${base}/hop/4`, allow);
    expect(res.status).toBe(200);
    expect(res.chain).toHaveLength(6);
    res.body.resume();
    const f = await failureOf(guardedFetch(`${base}/hop/5`, allow));
    expect(f.code).toBe("redirects");
  });

  it("re-checks every redirect hop", async () => {
    // Only the test server's own address is exempt: hops to metadata, private or other-scheme
    // addresses are refused as they come.
    const opts = { ...deny, exemptAddresses: ["127.0.0.1"], resolver: (async () => [{ address: "10.1.2.3", family: 4 }]) as Resolver };
    const meta = await failureOf(guardedFetch(`${base}/redirect?to=${encodeURIComponent("http://169.254.169.254/latest/meta-data/")}`, opts));
    expect(meta.code).toBe("address");
    expect(meta.message).toMatch(/169\.254\.169\.254.*metadata/);
    const named = await failureOf(guardedFetch(`${base}/redirect?to=${encodeURIComponent("http://intranet.example.test/")}`, opts));
    expect(named.code).toBe("address");
    expect(named.message).toContain("intranet.example.test (10.1.2.3)");
    const file = await failureOf(guardedFetch(`${base}/to-file`, allow));
    expect(file.code).toBe("scheme");
    expect(file.message).toMatch(/Only http and https/);
  });

  it("enforces the size limit, declared or streamed", async () => {
    expect((await failureOf(guardedFetch(`${base}/big`, { ...allow, maxBytes: 4000 }))).code).toBe("too_large");
    const f = await failureOf(fetchBuffer(`${base}/big-chunked`, { ...allow, maxBytes: 4000 }));
    expect(f.code).toBe("too_large");
    expect(f.message).toMatch(/larger than the limit/);
  });

  it("gives up on a silent server", async () => {
    const f = await failureOf(guardedFetch(`${base}/slow`, { ...allow, timeoutMs: 300 }));
    expect(f.code).toBe("timeout");
  });

  it("says what a 404 means", async () => {
    const f = await failureOf(fetchBuffer(`${base}/missing`, { ...allow, what: "the feed" }));
    expect(f.code).toBe("status");
    expect(f.message).toMatch(/HTTP 404/);
  });

  it("refuses an IP literal in IPv6 and mapped notation without the flag", async () => {
    expect((await failureOf(guardedFetch(`http://[::1]:${port}/ok`, deny))).code).toBe("address");
    expect((await failureOf(guardedFetch(`http://[::ffff:127.0.0.1]:${port}/ok`, deny))).code).toBe("address");
  });
});

describe("ALLOW_PRIVATE_NETWORK_FETCH", () => {
  it("is off by default and lifts the address rules when true", async () => {
    const { resetEnvForTests } = await import("@/lib/env");
    const saved = process.env.ALLOW_PRIVATE_NETWORK_FETCH;
    try {
      delete process.env.ALLOW_PRIVATE_NETWORK_FETCH;
      resetEnvForTests();
      expect((await failureOf(guardedFetch(`${base}/ok`, { maxBytes: 100 }))).code).toBe("address");
      process.env.ALLOW_PRIVATE_NETWORK_FETCH = "true";
      resetEnvForTests();
      expect((await fetchBuffer(`${base}/ok`, { maxBytes: 100 })).body.toString()).toBe("hello");
    } finally {
      if (saved === undefined) delete process.env.ALLOW_PRIVATE_NETWORK_FETCH;
      else process.env.ALLOW_PRIVATE_NETWORK_FETCH = saved;
      resetEnvForTests();
    }
  });
});
