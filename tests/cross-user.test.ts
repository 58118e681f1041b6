import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Viewer } from "@/lib/auth/viewer";
import { makeFixtureDir } from "@/tests/media-fixtures";
import { call, type ApiResult } from "@/tests/api-client";
import { apiRoutes, METHODS, ROOT, walk } from "@/tests/route-walker";

/**
 * User B tries every REST route, method and dashboard server action of the app against user A's
 * ids: each must answer not found (404, or the action's not-found form state) with nothing of
 * A's in the answer, and A's data must be unchanged. Routes and actions are discovered from the
 * files under app/, so a new one is probed without editing this test — and a route with a
 * dynamic segment this test cannot fill fails it until it is taught here.
 *
 * Every API body seen here (and everything logged) is also grepped for secrets: password
 * hashes, token hashes, raw tokens, passwords and the auth secret.
 */

// The signed-in dashboard user, as requireViewer() would return it; B while probing.
const session = vi.hoisted(() => ({ viewer: null as { userId: string } | null }));
vi.mock("@/lib/auth/session", () => ({
  requireViewer: async () => {
    if (!session.viewer) throw new Error("no session in test");
    return session.viewer;
  },
  getSessionUser: async () => (session.viewer ? { id: session.viewer.userId } : null),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined, updateTag: () => undefined }));
// Actions run inside a request: the subscriber actions read its host for feed URLs.
vi.mock("next/headers", () => ({ headers: async () => new Headers({ host: "localhost" }) }));


interface Fixture {
  podcastId: string;
  podcastSlug: string;
  podcastTitle: string;
  episodeId: string;
  episodeTitle: string;
  draftEpisodeId: string;
  audioFileId: string;
  imageFileId: string;
  tokenId: string;
  runId: string;
  uploadId: string;
  importId: string;
  subscriberId: string;
  subscriberFeedUrl: string;
  memberId: string;
}

let a: { id: string; email: string; name: string; password: string; viewer: Viewer; token: string };
let b: { id: string; email: string; password: string; viewer: Viewer; token: string };
let A: Fixture;
const seenBodies: string[] = [];
const logged: string[] = [];
let executor: { stop: (o?: { timeoutMs?: number }) => Promise<void> } | null | undefined;
const media = makeFixtureDir();


/** Which of A's ids a `[id]` after a collection name stands for. */
const ID_AFTER: Record<string, (f: Fixture) => string> = {
  podcasts: (f) => f.podcastId,
  episodes: (f) => f.episodeId,
  files: (f) => f.audioFileId,
  runs: (f) => f.runId,
  tokens: (f) => f.tokenId,
  uploads: (f) => f.uploadId,
  imports: (f) => f.importId,
};

/** Which of A's ids another named segment (`[subscriberId]`, `[memberId]`) stands for. */
const PARAM_FILL: Record<string, (f: Fixture) => string> = {
  subscriberId: (f) => f.subscriberId,
  memberId: (f) => f.memberId,
};

/** Params for a route template, filled with A's ids; throws on a segment it does not know. */
function paramsFor(template: string, f: Fixture): { params: Record<string, unknown>; path: string; ownsId: boolean } {
  const segments = template.split("/").filter(Boolean);
  const params: Record<string, unknown> = {};
  let ownsId = false;
  const concrete = segments.map((seg, i) => {
    const m = /^\[(\.\.\.)?(\w+)\]$/.exec(seg);
    if (!m) return seg;
    if (m[1]) {
      params[m[2]!] = ["no-such-thing"];
      return "no-such-thing";
    }
    const fill = m[2] === "id" ? ID_AFTER[segments[i - 1] ?? ""] : PARAM_FILL[m[2]!];
    if (!fill) {
      throw new Error(`tests/cross-user.test.ts does not know how to fill "${seg}" in ${template}: add it to ID_AFTER`);
    }
    ownsId = true;
    params[m[2]!] = fill(f);
    return fill(f);
  });
  return { params, path: "/api/v1/" + concrete.join("/"), ownsId };
}

/** Valid bodies, so a probe gets past validation to the ownership check. Default: `{}`. */
const BODIES: Record<string, unknown> = {
  "PATCH /podcasts/[id]": { title: "Hijacked" },
  "POST /podcasts/[id]/episodes": { title: "Planted episode" },
  "PATCH /episodes/[id]": { title: "Hijacked" },
  "PUT /episodes/[id]/chapters": { version: "1.2.0", chapters: [{ startTime: 0, title: "Hijacked" }] },
  "PUT /episodes/[id]/transcript": { format: "vtt", text: "WEBVTT\n\n00:00.000 --> 00:01.000\nHijacked\n" },
  "POST /episodes/[id]/process": () => ({ audioFileId: A.audioFileId }),
  "PATCH /files/[id]": { originalFilename: "hijacked.wav" },
  "POST /uploads/[id]/parts": { partNumbers: [1] },
  "POST /uploads/[id]/complete": { parts: [{ partNumber: 1, etag: "planted" }] },
  "POST /podcasts/[id]/subscribers": { name: "Planted", email: "planted@example.com" },
  "POST /podcasts/[id]/members": { email: "planted@example.com", role: "admin" },
  "PATCH /podcasts/[id]/members/[memberId]": { role: "admin" },
  "POST /podcasts/[id]/transfer": () => ({ memberId: A.memberId }),
};

/** Routes without an id of A's that act on the caller's own account: not cross-user probes. */
const OWN_SCOPE = new Set(["POST /users", "POST /tokens", "POST /podcasts", "POST /files", "POST /uploads", "POST /me/password", "POST /imports", "POST /invitations/accept"]);

const upload = async (viewer: Viewer, file: string) => (await import("@/tests/factories")).uploadFromPath(viewer, file);

/** Everything of A's in the database, to compare before and after B's probes. */
async function snapshotA() {
  const { db, tables } = await import("@/db");
  const { eq, inArray } = await import("drizzle-orm");
  const podcasts = await db.select().from(tables.podcasts).where(eq(tables.podcasts.ownerId, a.id));
  const podcastIds = podcasts.map((p) => p.id);
  const episodes = await db.select().from(tables.episodes).where(inArray(tables.episodes.podcastId, podcastIds));
  const episodeIds = episodes.map((e) => e.id);
  return JSON.stringify({
    user: await db.select().from(tables.users).where(eq(tables.users.id, a.id)),
    podcasts,
    episodes,
    files: await db.select().from(tables.mediaFiles).where(eq(tables.mediaFiles.ownerId, a.id)),
    tokens: (await db.select().from(tables.apiTokens).where(eq(tables.apiTokens.userId, a.id))).map((t) => ({ ...t, lastUsedAt: null })),
    processing: await db.select().from(tables.episodeProcessing).where(inArray(tables.episodeProcessing.episodeId, episodeIds)),
    runs: (await db.select().from(tables.jobRuns)).map((r) => ({ id: r.id, status: r.status })),
    directUploads: await db.select().from(tables.directUploads).where(eq(tables.directUploads.ownerId, a.id)),
    imports: await db.select().from(tables.imports).where(eq(tables.imports.ownerId, a.id)),
    subscribers: await db.select().from(tables.podcastSubscribers).where(inArray(tables.podcastSubscribers.podcastId, podcastIds)),
  });
}

/** Strings of A's that must never appear in anything B gets back. */
function secretsOfA(): string[] {
  return [a.id, a.email, A.memberId, A.podcastId, A.podcastTitle, A.episodeId, A.episodeTitle, A.draftEpisodeId, A.audioFileId, A.imageFileId, A.tokenId, A.runId, A.uploadId, A.importId, A.subscriberId, A.subscriberFeedUrl, "alice-listener@example.com", "https://alice-old-host.example/feed.xml", "a-recording.wav", "a-cover.png", "a-direct-upload.wav"];
}

function record(res: ApiResult) {
  // The OpenAPI document names the password fields of its request schemas by design.
  if (!res.body?.openapi) seenBodies.push(JSON.stringify(res.body ?? ""));
  return res;
}

beforeAll(async () => {
  const { makeEpisode, makePodcast, makePublishedEpisode, makeUser } = await import("@/tests/factories");
  const tokens = await import("@/app/api/v1/tokens/route");
  for (const stream of ["log", "info", "warn", "error", "debug"] as const) {
    // eslint-disable-next-line no-console -- records what the app prints and still prints it
    const original = console[stream].bind(console);
    vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((x) => (typeof x === "string" ? x : x instanceof Error ? `${x.message} ${x.stack}` : JSON.stringify(x))).join(" "));
      original(...(args as []));
    });
  }
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    logged.push(String(chunk));
    return stdoutWrite(chunk as string, ...(rest as []));
  }) as typeof process.stdout.write);

  const userA = await makeUser({ name: "Alice Owner", password: "alice's secret passphrase" });
  const userB = await makeUser({ name: "Bob Prober", password: "bob's secret passphrase" });
  const tokenOf = async (u: { email: string; password: string }) =>
    record(await call(tokens.POST, { method: "POST", json: { email: u.email, password: u.password, name: "probe" } })).body;
  const tA = await tokenOf(userA);
  const tB = await tokenOf(userB);
  seenBodies.length = 0; // the two token answers carry raw tokens by design: grep the rest
  a = { ...userA, token: tA.token };
  b = { ...userB, token: tB.token };

  const podcast = await makePodcast(a.viewer, { title: "Alice's Secret Show" });
  const published = await makePublishedEpisode(a.viewer, podcast.id, { title: "Alice's Published Episode" });
  const draft = await makeEpisode(a.viewer, podcast.id, { title: "Alice's Draft Episode" });
  const recording = await upload(a.viewer, media.wav("a-recording.wav", 2));
  const cover = await upload(a.viewer, media.png("a-cover.png", 1400));

  const { setChapters, setTranscript } = await import("@/lib/data/episode-extras");
  await setTranscript(a.viewer, published.id, { format: "vtt", text: "WEBVTT\n\n00:00.000 --> 00:01.000\nAlice speaks\n" });
  await setChapters(a.viewer, published.id, [{ startSeconds: 0, title: "Alice's chapter" }]);

  // Analytics: a full download of A's published episode.
  const { flushDownloads, recordDownload } = await import("@/lib/analytics");
  recordDownload({ episodeId: published.id, podcastId: podcast.id, ip: "192.0.2.10", userAgent: "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)", range: null, totalBytes: published.sizeBytes, durationSeconds: 3, at: new Date() });
  await flushDownloads();

  // A processing run (and so a job run) on the draft, run to its end by the embedded executor.
  const { startJobs } = await import("@/lib/jobs/start");
  const { getProcessing, startProcessing } = await import("@/lib/data/processing");
  const { waitFor } = await import("@/lib/jobs/test-kit");
  executor = await startJobs();
  await startProcessing(a.viewer, draft.id, { audioFileId: recording.id });
  const ended = await waitFor(async () => {
    const p = await getProcessing(a.viewer, draft.id);
    return p && !["queued", "running"].includes(p.status) && p.runId ? p : null;
  }, 90_000, "A's processing to end");

  const { listApiTokens } = await import("@/lib/data/tokens");
  // An unfinished direct upload of A's (the row alone: storage here is local disk, and the
  // ownership check comes before anything touches a bucket).
  const { db, tables } = await import("@/db");
  const { newId } = await import("@/lib/ids");
  const { newStorageKey } = await import("@/lib/storage");
  const [directUpload] = await db
    .insert(tables.directUploads)
    .values({
      id: newId(),
      ownerId: a.id,
      storageKey: newStorageKey("media"),
      multipartId: "a-multipart",
      originalFilename: "a-direct-upload.wav",
      sizeBytes: 1000,
      partSize: 8 * 1024 * 1024,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 3600_000),
    })
    .returning();
  // A finished import of A's (the row: no fetch needed for the ownership checks).
  const [importRow] = await db
    .insert(tables.imports)
    .values({ id: newId(), ownerId: a.id, feedUrl: "https://alice-old-host.example/feed.xml", podcastId: podcast.id, status: "succeeded", notes: [], skipped: 0, createdAt: new Date(), updatedAt: new Date(), finishedAt: new Date() })
    .returning();
  const { createSubscriber } = await import("@/lib/data/subscribers");
  const subscriber = await createSubscriber(a.viewer, podcast.id, { name: "Alice's Listener", email: "alice-listener@example.com" }, "http://localhost");
  A = {
    subscriberId: subscriber.id,
    subscriberFeedUrl: subscriber.feedUrl!,
    podcastId: podcast.id,
    podcastSlug: podcast.slug,
    podcastTitle: podcast.title,
    episodeId: published.id,
    episodeTitle: published.title,
    draftEpisodeId: draft.id,
    audioFileId: recording.id,
    imageFileId: cover.id,
    tokenId: (await listApiTokens(a.viewer))[0]!.id,
    runId: ended.runId!,
    uploadId: directUpload!.id,
    importId: importRow!.id,
    memberId: "",
  };
  // A member of A's show (C, a viewer), so the members routes have a real id to be refused.
  const { addMember } = await import("@/tests/factories");
  const c = await makeUser({ name: "Carol Member" });
  A.memberId = (await addMember(a.viewer, podcast.id, c, "viewer")).id;
  expect(A.runId).toBeTruthy();
}, 180_000);

afterAll(async () => {
  await executor?.stop({ timeoutMs: 5000 });
  vi.restoreAllMocks();
  media.cleanup();
});

describe("cross-user access control", () => {
  let before: string;
  const probed: string[] = [];

  it("A can read everything A made (the fixture is real)", async () => {
    const podcastRoute = await import("@/app/api/v1/podcasts/[id]/route");
    const episodeRoute = await import("@/app/api/v1/episodes/[id]/route");
    const fileRoute = await import("@/app/api/v1/files/[id]/route");
    const runRoute = await import("@/app/api/v1/runs/[id]/route");
    const analyticsRoute = await import("@/app/api/v1/podcasts/[id]/analytics/route");
    const meRoute = await import("@/app/api/v1/me/route");
    const tokensRoute = await import("@/app/api/v1/tokens/route");
    expect(record(await call(podcastRoute.GET, { token: a.token, params: { id: A.podcastId } })).status).toBe(200);
    expect(record(await call(episodeRoute.GET, { token: a.token, params: { id: A.episodeId } })).status).toBe(200);
    expect(record(await call(episodeRoute.GET, { token: a.token, params: { id: A.draftEpisodeId } })).status).toBe(200);
    expect(record(await call(fileRoute.GET, { token: a.token, params: { id: A.imageFileId } })).status).toBe(200);
    expect(record(await call(runRoute.GET, { token: a.token, params: { id: A.runId } })).status).toBe(200);
    const subscribersRoute = await import("@/app/api/v1/podcasts/[id]/subscribers/route");
    const subscribers = record(await call(subscribersRoute.GET, { token: a.token, params: { id: A.podcastId } }));
    seenBodies.pop(); // A's own answer carries A's feed URL by design
    expect(subscribers.body.items.map((x: { id: string }) => x.id)).toEqual([A.subscriberId]);
    const importRoute = await import("@/app/api/v1/imports/[id]/route");
    expect(record(await call(importRoute.GET, { token: a.token, params: { id: A.importId } })).status).toBe(200);
    expect(record(await call(meRoute.GET, { token: a.token })).status).toBe(200);
    expect(record(await call(tokensRoute.GET, { token: a.token })).body.items).toHaveLength(1);
    const report = record(await call(analyticsRoute.GET, { token: a.token, params: { id: A.podcastId } }));
    expect(report.status).toBe(200);
    expect(JSON.stringify(report.body)).toMatch(/"downloads"?:\s*[1-9]|[1-9]/);
    before = await snapshotA();
  });

  it("B gets 404 from every route and method on A's ids, and empty lists", async () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const route of routes) {
      const mod = (await import(route.file)) as Record<string, unknown>;
      const { params, path: urlPath, ownsId } = paramsFor(route.template, A);
      for (const method of METHODS) {
        const handler = mod[method];
        if (typeof handler !== "function") continue;
        const name = `${method} ${route.template}`;
        if (!ownsId && method !== "GET" && method !== "HEAD" && !route.template.includes("[...")) {
          if (!OWN_SCOPE.has(name)) problems.push(`${name}: a write without an id; add it to OWN_SCOPE if it only touches the caller's own data`);
          continue;
        }
        let json: unknown;
        if (["POST", "PUT", "PATCH"].includes(method)) {
          const body = BODIES[name] ?? {};
          json = typeof body === "function" ? body() : body;
        }
        const res = record(await call(handler, { method, path: urlPath, params, token: b.token, json }));
        probed.push(name);
        const text = JSON.stringify(res.body ?? "");
        for (const secret of secretsOfA()) if (text.includes(secret)) problems.push(`${name}: answer contains A's "${secret}"`);
        if (ownsId || route.template.includes("[...")) {
          if (![403, 404].includes(res.status)) problems.push(`${name}: ${res.status} ${text.slice(0, 200)}`);
        } else if (res.status !== 200 && !(route.template === "/openapi.json" && res.status === 200)) {
          problems.push(`${name}: ${res.status} ${text.slice(0, 200)}`);
        } else if (res.body && Array.isArray((res.body as { items?: unknown[] }).items) && route.template !== "/tokens") {
          if ((res.body as { items: unknown[] }).items.length !== 0) problems.push(`${name}: B's list is not empty`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(probed.length).toBeGreaterThanOrEqual(35);
  });

  it("B's lists and counts hold nothing of A's", async () => {
    const { listPodcasts } = await import("@/lib/data/podcasts");
    const { listMediaFiles, storageUsed } = await import("@/lib/data/media");
    const { listRuns } = await import("@/lib/data/runs");
    const { listApiTokens } = await import("@/lib/data/tokens");
    expect((await listPodcasts(b.viewer, { limit: 100 })).items).toEqual([]);
    expect((await listMediaFiles(b.viewer, { limit: 100 } as never)).items).toEqual([]);
    expect((await listRuns(b.viewer, { limit: 100 })).items).toEqual([]);
    expect((await listApiTokens(b.viewer)).map((t) => t.id)).not.toContain(A.tokenId);
    expect(await storageUsed(b.viewer)).toBe(0);
  });

  it("B gets a not-found form state from every dashboard server action on A's ids", async () => {
    const files = walk(path.join(ROOT, "app/dashboard")).filter((f) => path.basename(f) === "actions.ts");
    const idFor: Record<string, string> = {
      podcastId: A.podcastId,
      episodeId: A.episodeId,
      fileId: A.audioFileId,
      runId: A.runId,
      tokenId: A.tokenId,
    };
    // Actions that name a subscriber in the form: B names A's.
    const formExtras: Record<string, string> = { subscriberId: A.subscriberId, email: "planted@example.com" };
    // Actions without an id act on the signed-in user's own account.
    const ownScope = new Set(["startImportAction", "createPodcastAction", "createTokenAction", "changePasswordAction", "signOutEverywhereAction", "acceptInvitationAction"]);
    const problems: string[] = [];
    let count = 0;
    session.viewer = b.viewer;
    try {
      for (const file of files) {
        const mod = (await import(file)) as Record<string, unknown>;
        for (const [name, fn] of Object.entries(mod)) {
          if (typeof fn !== "function") continue;
          const first = /^(?:async\s+)?function\s*\w*\s*\(\s*(\w+)/.exec(fn.toString())?.[1];
          if (fn.length < 3) {
            if (!ownScope.has(name)) problems.push(`${name} (${path.relative(ROOT, file)}): takes no id; add it to ownScope if it only touches the caller's own data`);
            continue;
          }
          const id = first ? idFor[first] : undefined;
          if (!id) {
            problems.push(`${name}: first parameter "${first}" is not a known id kind`);
            continue;
          }
          const form = new FormData();
          for (const [k, v] of Object.entries({ title: "Hijacked", description: "", episodeType: "full", name: "Hijacked", originalFilename: "hijacked.wav", audioFileId: A.audioFileId, language: "en", type: "episodic", author: "", ownerName: "", ownerEmail: "", loudness: "podcast-stereo", truePeakDbtp: "-1", channels: "stereo", maxPauseSeconds: "2", crossfadeSeconds: "1", email: "planted@example.com", role: "viewer", memberId: A.memberId, ...formExtras })) {
            form.set(k, v);
          }
          form.set("csv", new File(["Planted,planted@example.com\n"], "planted.csv", { type: "text/csv" }));
          let state: { ok?: boolean; message?: string } | undefined;
          try {
            state = (await (fn as (id: string, prev: object, fd: FormData) => Promise<typeof state>)(id, {}, form)) ?? undefined;
          } catch (err) {
            problems.push(`${name}: threw ${(err as Error).message}`);
            continue;
          }
          count++;
          // `values` echoes what the form sent (A's id, typed by B): not a leak.
          const text = JSON.stringify({ ...state, values: undefined });
          if (state?.ok || !/not found/i.test(state?.message ?? "")) problems.push(`${name}: ${text}`);
          for (const secret of secretsOfA()) if (text.includes(secret)) problems.push(`${name}: state contains A's "${secret}"`);
        }
      }
    } finally {
      session.viewer = null;
    }
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(12);
  });

  it("leaves A's data exactly as it was", async () => {
    expect(await snapshotA()).toEqual(before);
  });

  it("never shows a secret in an API answer or a log line", async () => {
    const { getAuthSecret } = await import("@/lib/env");
    const { db, tables } = await import("@/db");
    const hashes = (await db.select({ h: tables.users.passwordHash }).from(tables.users)).map((r) => r.h);
    const tokenHashes = (await db.select({ h: tables.apiTokens.tokenHash }).from(tables.apiTokens)).map((r) => r.h);
    const forbidden = [
      /passwordHash|password_hash/i,
      /tokenHash|token_hash/i,
      /\$argon2/,
      /"password"\s*:/i,
    ];
    const subscriberSecrets = (await db.select({ h: tables.podcastSubscribers.tokenHash, s: tables.podcastSubscribers.tokenSealed }).from(tables.podcastSubscribers)).flatMap((r) => [r.h, r.s]);
    const literals = [getAuthSecret(), a.token, b.token, a.password, b.password, ...hashes, ...tokenHashes, ...subscriberSecrets];
    expect(seenBodies.length).toBeGreaterThan(40);
    for (const [what, texts] of [["API answers", seenBodies], ["logs", logged]] as const) {
      for (const text of texts) {
        for (const re of forbidden) expect(re.test(text), `${what}: ${re} in ${text.slice(0, 300)}`).toBe(false);
        for (const lit of literals) expect(text.includes(lit), `${what}: a secret in ${text.slice(0, 300)}`).toBe(false);
      }
    }
  });
});
