import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, signBody } from "./signing";

/**
 * `/api/inngest` as a real Inngest server (Cloud or self-hosted `inngest start`) sees it: with
 * INNGEST_EVENT_KEY + INNGEST_SIGNING_KEY set, the embedded executor stays off and the endpoint
 * answers introspection, sync and signed calls as the SDK specifies, refusing anything unsigned.
 * INNGEST_BASE_URL points at a stand-in server on loopback that records the out-of-band sync.
 * (The embedded mode's signature checks are in executor-lifecycle.test.ts.)
 * Every app module is imported after the variables are set: the client reads them at import.
 */
const rawKey = crypto.randomBytes(32).toString("hex");
const signingKey = `signkey-prod-${rawKey}`;
const registered: Array<{ url: string; authorization?: string; body: Record<string, unknown> }> = [];
const fakeInngest = http.createServer((req, res) => {
  let text = "";
  req.on("data", (c: Buffer) => (text += c.toString()));
  req.on("end", () => {
    registered.push({ url: req.url ?? "", authorization: req.headers.authorization, body: text ? JSON.parse(text) : {} });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, modified: true }));
  });
});

type Handler = (req: Request, ctx: undefined) => Promise<Response>;
let route: { GET: Handler; POST: Handler; PUT: Handler };
const serveUrl = "https://podcasts.example.com/api/inngest";
const saved = { ...process.env };

beforeAll(async () => {
  await new Promise<void>((r) => fakeInngest.listen(0, "127.0.0.1", r));
  const { port } = fakeInngest.address() as AddressInfo;
  process.env.INNGEST_SIGNING_KEY = signingKey;
  process.env.INNGEST_EVENT_KEY = "test-event-key";
  process.env.INNGEST_BASE_URL = `http://127.0.0.1:${port}`;
  delete process.env.INNGEST_DEV;
  const { resetEnvForTests } = await import("@/lib/env");
  resetEnvForTests();
  route = (await import("@/app/api/inngest/route")) as unknown as typeof route;
});

afterAll(async () => {
  for (const name of ["INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY", "INNGEST_BASE_URL", "INNGEST_DEV"]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  (await import("@/lib/env")).resetEnvForTests();
  await new Promise((r) => fakeInngest.close(r));
});

const signed = (body: string, key = signingKey, now = Date.now()) => ({ "x-inngest-signature": signBody(body, key, now) });

function call(fnId: string, stepId: string, payload: unknown, headers: Record<string, string>) {
  const body = canonicalJson(payload);
  return route.POST(
    new Request(`${serveUrl}?fnId=${encodeURIComponent(fnId)}&stepId=${encodeURIComponent(stepId)}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-inngest-server-kind": "cloud", ...headers },
      body,
    }),
    undefined,
  );
}

describe("/api/inngest with an Inngest server configured", () => {
  it("keeps the embedded executor off", async () => {
    const { jobsMode } = await import("./mode");
    expect(jobsMode()).toMatchObject({ kind: "cloud", signingKey, eventKey: "test-event-key" });
    const { startJobs } = await import("./start");
    expect(await startJobs()).toBeNull();
    const { runningExecutor } = await import("./executor");
    expect(runningExecutor()).toBeUndefined();
  });

  it("introspection: refused unsigned, the full report when signed", async () => {
    // inngest 4.x answers an unsigned GET in cloud mode with 401 (3.x gave a short public shape).
    const open = await route.GET(new Request(serveUrl), undefined);
    expect(open.status).toBe(401);
    expect(await open.text()).not.toContain("signing_key_hash");
    const stale = await route.GET(new Request(serveUrl, { headers: signed("", signingKey, Date.now() - 10 * 60_000) }), undefined);
    expect(stale.status).toBe(401);

    const res = await route.GET(new Request(serveUrl, { headers: signed("") }), undefined);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    const hashed = crypto.createHash("sha256").update(Buffer.from(rawKey, "hex")).digest("hex");
    expect(body).toMatchObject({
      authentication_succeeded: true,
      app_id: "podcastpro",
      mode: "cloud",
      function_count: 8,
      signing_key_hash: hashed.slice(0, 12),
      api_origin: expect.stringContaining("127.0.0.1"),
    });
    expect(JSON.stringify(body)).not.toContain(rawKey);
  });

  it("in-band sync (PUT, x-inngest-sync-kind: in_band) answers only a signed request, with the function configs", async () => {
    const body = canonicalJson({ url: serveUrl });
    const put = (headers: Record<string, string>) =>
      route.PUT(new Request(serveUrl, { method: "PUT", headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band", ...headers }, body }), undefined);
    expect((await put({})).status).toBe(401);
    expect((await put(signed(body, `signkey-prod-${"0".repeat(64)}`))).status).toBe(401);

    const res = await put(signed(body));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-inngest-sync-kind")).toBe("in_band");
    const synced = (await res.json()) as { app_id: string; url: string; functions: Array<{ id: string; steps: Record<string, { runtime: { url: string } }> }> };
    expect(synced.app_id).toBe("podcastpro");
    expect(synced.url).toBe(serveUrl);
    expect(synced.functions.map((f) => f.id).sort()).toEqual([
      "podcastpro-import-episode",
      "podcastpro-import-episode-failure",
      "podcastpro-import-podcast",
      "podcastpro-import-podcast-failure",
      "podcastpro-ping-websub-hubs",
      "podcastpro-process-episode",
      "podcastpro-process-episode-failure", // its onFailure handler
      "podcastpro-publish-episode",
    ]);
    const runtimeUrl = new URL(Object.values(synced.functions[0]!.steps)[0]!.runtime.url);
    expect(`${runtimeUrl.origin}${runtimeUrl.pathname}`).toBe(serveUrl);
  });

  it("out-of-band sync (plain PUT) registers the app with the server, authenticated by the hashed key", async () => {
    registered.length = 0;
    const res = await route.PUT(new Request(serveUrl, { method: "PUT" }), undefined);
    const text = await res.clone().text();
    expect(res.status, text).toBe(200);
    expect(res.headers.get("x-inngest-sync-kind")).not.toBe("in_band");
    expect(await res.json()).toMatchObject({ modified: true });
    expect(registered).toHaveLength(1);
    const [reg] = registered;
    expect(reg!.url).toMatch(/^\/fn\/register/);
    const hashed = crypto.createHash("sha256").update(Buffer.from(rawKey, "hex")).digest("hex");
    expect(reg!.authorization).toBe(`Bearer signkey-prod-${hashed}`);
    expect(reg!.body).toMatchObject({ appName: "podcastpro", url: serveUrl });
    expect((reg!.body.functions as unknown[]).length).toBe(8);
  });

  it("runs a step for a correctly signed call, and refuses unsigned, wrongly signed or stale calls", async () => {
    const { db, tables } = await import("@/db");
    const { eq } = await import("drizzle-orm");
    const { makeUser, makePodcast, makeEpisode } = await import("@/tests/factories");
    const user = await makeUser();
    const podcast = await makePodcast(user.viewer);
    const episode = await makeEpisode(user.viewer, podcast.id);
    const publishAt = new Date(Date.now() - 1000);
    await db.update(tables.episodes).set({ status: "scheduled", publishAt }).where(eq(tables.episodes.id, episode.id));

    const event = { name: "episode/publish.scheduled", data: { userId: user.id, episodeId: episode.id, publishAt: publishAt.toISOString() }, id: "evt-1", ts: Date.now() };
    const ctx = (stack: string[]) => ({ run_id: "run-cloud-1", attempt: 0, max_attempts: 6, disable_immediate_execution: false, use_api: false, stack: { stack, current: stack.length } });
    const discover = { version: 2, event, events: [event], steps: {}, ctx: ctx([]) };
    const fnId = "podcastpro-publish-episode";

    // Refused: no signature, another key's signature, a signature older than five minutes.
    expect((await call(fnId, "step", discover, {})).status).toBe(401);
    expect((await call(fnId, "step", discover, signed(canonicalJson(discover), `signkey-prod-${"1".repeat(64)}`))).status).toBe(401);
    expect((await call(fnId, "step", discover, signed(canonicalJson(discover), signingKey, Date.now() - 10 * 60_000))).status).toBe(401);
    expect((await db.select().from(tables.episodes).where(eq(tables.episodes.id, episode.id)))[0]!.status).toBe("scheduled");

    // Signed: the first call reports the durable sleep (already due) ...
    const first = await call(fnId, "step", discover, signed(canonicalJson(discover)));
    expect(first.status, await first.clone().text()).toBe(206);
    const [sleepOp] = (await first.json()) as Array<{ id: string; op: string }>;
    expect(sleepOp!.op).toBe("Sleep");
    // The response is signed too, so the server can trust it.
    expect(first.headers.get("x-inngest-signature")).toMatch(/^t=\d+&s=[0-9a-f]{64}$/);

    // ... and with the sleep done, the next call runs the "publish" step.
    const second = { ...discover, steps: { [sleepOp!.id]: { type: "data", data: null } }, ctx: ctx([sleepOp!.id]) };
    const res = await call(fnId, "step", second, signed(canonicalJson(second)));
    expect(res.status).toBe(206);
    const [ran] = (await res.json()) as Array<{ op: string; displayName?: string; data?: unknown }>;
    expect(ran).toMatchObject({ op: "StepRun", displayName: "publish", data: true });
    const [after] = await db.select().from(tables.episodes).where(eq(tables.episodes.id, episode.id));
    expect(after!.status).toBe("published");
  });
});
