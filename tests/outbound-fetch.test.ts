import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Users' URLs are fetched only through lib/net/guarded-fetch.ts. This walks the server code
 * (app/, lib/, inngest/) and fails on any other outbound request: global fetch(), http(s).request
 * or .get, or an HTTP client package. Browser code ("use client" files, components/) fetches our
 * own API and is not the server's SSRF surface. A new exception must be listed here, with why.
 */
const ROOT = path.resolve(__dirname, "..");
const ALLOWED: Record<string, string> = {
  "lib/net/guarded-fetch.ts": "the guarded fetch itself",
  // Through the guarded fetch, a hub on the operator's own network would need
  // ALLOW_PRIVATE_NETWORK_FETCH, which would open that network to users' URLs too.
  "lib/websub.ts": "WebSub hubs come from the operator's configuration (WEBSUB_HUB_URL), never from users",
};

const OUTBOUND = [
  /(^|[^.\w])fetch\s*\(/, // global fetch
  /\bhttps?\.(request|get)\s*\(/, // node:http / node:https clients
  /from\s+["'](undici|axios|got|node-fetch|superagent|needle|request)["']/,
];

/** Lines of `source` that make an outbound request, with their numbers. */
export function outboundCalls(source: string): string[] {
  const hits: string[] = [];
  source.split("\n").forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, "");
    if (OUTBOUND.some((re) => re.test(code))) hits.push(`${i + 1}: ${line.trim()}`);
  });
  return hits;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : walk(p);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe("outbound requests", () => {
  it("notices each kind of outbound call (the check can fail)", () => {
    expect(outboundCalls(`const r = await fetch(url);`)).toHaveLength(1);
    expect(outboundCalls(`https.request(url, opts)`)).toHaveLength(1);
    expect(outboundCalls(`http.get(u, cb)`)).toHaveLength(1);
    expect(outboundCalls(`import { request } from "undici";`)).toHaveLength(1);
    expect(outboundCalls(`await guardedFetch(url, opts); // fetch(url) in a comment`)).toHaveLength(0);
  });

  it("server code fetches only through lib/net/guarded-fetch.ts", () => {
    const problems: string[] = [];
    for (const file of ["app", "lib", "inngest"].flatMap((d) => walk(path.join(ROOT, d)))) {
      const rel = path.relative(ROOT, file).split(path.sep).join("/");
      if (ALLOWED[rel]) continue;
      const source = fs.readFileSync(file, "utf8");
      if (/^\s*["']use client["']/.test(source)) continue;
      for (const hit of outboundCalls(source)) problems.push(`${rel}:${hit}`);
    }
    expect(problems).toEqual([]);
  });
});
