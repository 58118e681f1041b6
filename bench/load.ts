/**
 * `npm run bench:load`: the production server (`npm start`'s; run `npm run build` first) under a
 * mixed load on loopback, driven by autocannon, while two episodes are being processed:
 *
 * - RSS feed requests (`/p/<slug>/feed.xml`),
 * - ranged audio requests (random 64 KiB ranges of an 8 MiB enclosure),
 * - REST API list and read calls with a bearer token,
 * - dashboard page loads with a next-auth session cookie (signed in through the credentials flow).
 *
 * Reports per kind throughput, p50/p99 latency and errors (non-2xx/3xx included), and the
 * server's RSS sampled every second (peak, a timeline, and the last 10 s against the first 10 s of
 * the second half, once the server is warm).
 * Then the feed and audio are measured alone against a bare Node `http` server (in its own
 * process) serving the same bytes, in the same run: the ratios. The bar: zero errors, no growth.
 *
 * LOAD_SECONDS (default 120: the server is warm after about 60 s, RSS flat from there) and LOAD_CONNECTIONS (per kind, default 8) change the run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { seedUserWithAudio } from "./seed";

const SECONDS = Number(process.env.LOAD_SECONDS ?? 120);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 8);
const COMPARE_SECONDS = 10;
const AUDIO_BYTES = 8 * 1024 * 1024;
const RANGE_BYTES = 64 * 1024;
const PASSWORD = "load bench password";
const EMAIL = "load@example.com";

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

async function fetchOk(url: string, init?: RequestInit): Promise<Response> {
  const res = await fetch(url, { redirect: "manual", ...init });
  if (res.status >= 400) throw new Error(`${init?.method ?? "GET"} ${url}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

async function waitForHealth(base: string, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${base}/api/health`)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the app server did not become healthy");
}

/** The next-server process: the spawned server or its descendant with the largest RSS. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function nextServerPid(root: number): number {
  const node = descendants(root).filter((p) => {
    try {
      return !/ffmpeg|ffprobe/.test(fs.readFileSync(`/proc/${p}/cmdline`, "utf8"));
    } catch {
      return false;
    }
  });
  return node.sort((a, b) => rssKiB(b) - rssKiB(a))[0] ?? root;
}

async function seed(dir: string) {
  const { db, tables, newId, now, userId, fileId, audioPath, closeConnection } = await seedUserWithAudio(dir, { email: EMAIL, password: PASSWORD, name: "Load", audioBytes: AUDIO_BYTES });
  const podcastId = newId();
  await db.insert(tables.podcasts).values({ id: podcastId, ownerId: userId, slug: "load-show", title: "Load Show", description: "<p>A show under load.</p>", author: "Load", ownerName: "Load", ownerEmail: EMAIL, category: "Technology", createdAt: now, updatedAt: now });
  const episodes = Array.from({ length: 100 }, (_, i) => ({
    id: newId(),
    podcastId,
    slug: `episode-${i + 1}`,
    guid: newId(),
    title: `Episode ${i + 1}: a title of a usual length`,
    description: `<p>Show notes for episode ${i + 1} with <a href="https://example.com/${i}">a link</a>.</p>`.repeat(3),
    episodeNumber: i + 1,
    status: "published" as const,
    publishedAt: new Date(now.getTime() - (100 - i) * 86_400_000),
    audioFileId: fileId,
    durationSeconds: 600,
    sizeBytes: AUDIO_BYTES,
    createdAt: now,
    updatedAt: now,
  }));
  await db.insert(tables.episodes).values(episodes);
  await closeConnection();
  return { podcastId, episodeId: episodes[0]!.id, audioPath };
}

/** A session cookie through next-auth's credentials flow, as the sign-in form does. */
async function signIn(base: string): Promise<string> {
  const csrfRes = await fetchOk(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetchOk(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar, origin: base },
    body: new URLSearchParams({ csrfToken, email: EMAIL, password: PASSWORD, callbackUrl: `${base}/dashboard`, json: "true" }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => /session-token=/.test(c));
  if (!session) throw new Error(`sign-in gave no session cookie (HTTP ${res.status})`);
  const check = await fetch(`${base}/dashboard`, { headers: { cookie: session }, redirect: "manual" });
  if (check.status !== 200) throw new Error(`the session cookie does not open the dashboard (HTTP ${check.status})`);
  return session;
}

/** Uploads a ~3-minute speech-like WAV and starts processing it into a new draft episode. */
async function startProcessing(base: string, token: string, podcastId: string, dir: string, seed: number) {
  const { writeSpeechLikeWav } = await import("@/lib/media/test-signals");
  const wav = path.join(dir, `speech-${seed}.wav`);
  // 22.05 kHz keeps the file under 10 MB: proxy.ts makes Next.js buffer request bodies, cut at 10 MB.
  await writeSpeechLikeWav(wav, { seconds: 180, seed, sampleRate: 22050 });
  const form = new FormData();
  form.set("file", new Blob([fs.readFileSync(wav)], { type: "audio/wav" }), `speech-${seed}.wav`);
  const auth = { authorization: `Bearer ${token}` };
  const file = (await (await fetchOk(`${base}/api/v1/files`, { method: "POST", headers: auth, body: form })).json()) as { id: string };
  const episode = (await (
    await fetchOk(`${base}/api/v1/podcasts/${podcastId}/episodes`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ title: `Processing under load ${seed}` }),
    })
  ).json()) as { id: string };
  await fetchOk(`${base}/api/v1/episodes/${episode.id}/process`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ audioFileId: file.id }),
  });
  return episode.id;
}

async function processingStatus(base: string, token: string, episodeId: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/episodes/${episodeId}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { status?: string; processing?: { status?: string } | null };
  return body.processing?.status ?? body.status ?? "?";
}

function randomRange(): string {
  const start = Math.floor(Math.random() * (AUDIO_BYTES - RANGE_BYTES));
  return `bytes=${start}-${start + RANGE_BYTES - 1}`;
}

interface Summary {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** non-2xx/3xx answers, timeouts, socket errors */
  breakdown: string;
  bytesPerSec: number;
}

function run(name: string, opts: autocannon.Options): Promise<Summary> {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts }, (err, r) => {
      if (err) return reject(err);
      resolve({
        name,
        requests: r.requests.total,
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors + r.timeouts + r.non2xx,
        breakdown: `${r.non2xx} non-2xx, ${r.timeouts} timeouts, ${r.errors - r.timeouts} socket errors`,
        bytesPerSec: r.throughput.average,
      });
    });
  });
}

const line = (s: Summary) =>
  `${s.name.padEnd(22)} ${String(s.requests).padStart(7)} req ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${String(s.p50).padStart(4)} ms  p99 ${String(s.p99).padStart(5)} ms  errors ${s.errors}${s.errors ? ` (${s.breakdown})` : ""}  ${mib(s.bytesPerSec)} MiB/s`;

/** A bare Node http server in its own process, serving the same feed and audio bytes. */
async function startBare(feedFile: string, audioPath: string): Promise<{ url: string; child: ChildProcess }> {
  const code = `
    const http = require("node:http"), fs = require("node:fs");
    const feed = fs.readFileSync(process.argv[1]);
    const audio = process.argv[2];
    const size = fs.statSync(audio).size;
    http.createServer((req, res) => {
      if (req.url.startsWith("/feed.xml")) {
        res.writeHead(200, { "Content-Type": "application/rss+xml; charset=utf-8", "Content-Length": feed.length });
        return res.end(feed);
      }
      const m = /bytes=(\\d+)-(\\d+)/.exec(req.headers.range || "");
      const start = m ? Number(m[1]) : 0, end = m ? Number(m[2]) : size - 1;
      res.writeHead(m ? 206 : 200, { "Content-Type": "audio/mpeg", "Accept-Ranges": "bytes", "Content-Length": end - start + 1,
        ...(m ? { "Content-Range": "bytes " + start + "-" + end + "/" + size } : {}) });
      fs.createReadStream(audio, { start, end }).pipe(res);
    }).listen(0, "127.0.0.1", function () { process.stdout.write(String(this.address().port) + "\\n"); });`;
  const child = spawn(process.execPath, ["-e", code, feedFile, audioPath], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) => child.stdout!.once("data", (c: Buffer) => resolve(c.toString().trim())));
  return { url: `http://127.0.0.1:${port}`, child };
}

async function main() {
  if (!fs.existsSync(path.join(process.cwd(), ".next", "standalone", "server.js"))) {
    console.error("bench:load needs a production build: run `npm run build` first.");
    process.exit(1);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-bench-load-"));
  const { podcastId, episodeId, audioPath } = await seed(dir);

  const port = 33000 + Math.floor(Math.random() * 2000);
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [path.join("scripts", "start.mjs")], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dir, NEXT_TELEMETRY_DISABLED: "1", PUBLIC_URL: base, LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let serverErr = "";
  server.stderr!.on("data", (c: Buffer) => (serverErr = (serverErr + c.toString()).slice(-20_000)));
  let bare: { url: string; child: ChildProcess } | undefined;
  try {
    await waitForHealth(base);
    const token = ((await (
      await fetchOk(`${base}/api/v1/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: EMAIL, password: PASSWORD, name: "load" }) })
    ).json()) as { token: string }).token;
    const cookie = await signIn(base);
    const feedUrl = `${base}/p/load-show/feed.xml`;
    const audioUrl = `${base}/p/load-show/episode-1/audio.mp3`;
    const feedFile = path.join(dir, "feed.xml");
    fs.writeFileSync(feedFile, Buffer.from(await (await fetchOk(feedUrl)).arrayBuffer()));
    const ranged = await fetchOk(audioUrl, { headers: { range: "bytes=0-65535" } });
    if (ranged.status !== 206) throw new Error(`a ranged audio request answered ${ranged.status}, not 206`);

    // One request at a time, before any load: what each kind costs on its own.
    const serial = async (name: string, url: string, headers: Record<string, string> = {}) => {
      const ms: number[] = [];
      for (let i = 0; i < 7; i++) {
        const t = performance.now();
        const res = await fetch(url, { headers: { ...headers, ...(name === "audio" ? { range: randomRange() } : {}) } });
        await res.arrayBuffer();
        ms.push(performance.now() - t);
      }
      return `${name} ${ms.sort((a, b) => a - b)[3]!.toFixed(1)} ms`;
    };
    const bearerHeaders = { authorization: `Bearer ${token}` };
    console.log(
      `unloaded, one request at a time (median of 7): ${(
        [
          await serial("feed", feedUrl),
          await serial("audio", audioUrl),
          await serial("API list", `${base}/api/v1/podcasts/${podcastId}/episodes?limit=20`, bearerHeaders),
          await serial("dashboard", `${base}/dashboard/podcasts/${podcastId}`, { cookie }),
        ]
      ).join(", ")}`,
    );

    const processing = await Promise.all([1, 2].map((seedNo) => startProcessing(base, token, podcastId, dir, seedNo)));
    const serverPid = nextServerPid(server.pid!);
    const samples: Array<{ t: number; kib: number }> = [];
    const t0 = Date.now();
    const sampler = setInterval(() => samples.push({ t: (Date.now() - t0) / 1000, kib: rssKiB(serverPid) }), 1000);

    console.log(`mixed load: ${SECONDS} s, ${CONNECTIONS} connections per kind, 2 episodes processing (3-minute WAVs), server pid ${serverPid}`);
    const bearer = { authorization: `Bearer ${token}` };
    const results = await Promise.all([
      run("feed", { url: feedUrl }),
      run("audio (64 KiB ranges)", { url: audioUrl, requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, range: randomRange() } }) }] }),
      run("API list + read", {
        url: base,
        requests: [
          { path: "/api/v1/podcasts", headers: bearer },
          { path: `/api/v1/podcasts/${podcastId}`, headers: bearer },
          { path: `/api/v1/podcasts/${podcastId}/episodes?limit=20`, headers: bearer },
          { path: `/api/v1/episodes/${episodeId}`, headers: bearer },
        ],
      }),
      run("dashboard pages", {
        url: base,
        requests: [
          { path: "/dashboard", headers: { cookie } },
          { path: `/dashboard/podcasts/${podcastId}`, headers: { cookie } },
        ],
      }),
    ]);
    clearInterval(sampler);
    const states = await Promise.all(processing.map((id) => processingStatus(base, token, id)));

    for (const r of results) console.log(`  ${line(r)}`);
    const total = results.reduce((a, r) => a + r.requests, 0);
    const errors = results.reduce((a, r) => a + r.errors, 0);
    console.log(`  total ${total} requests (${(total / SECONDS).toFixed(0)} req/s), errors ${errors}; processing at the end: ${states.join(", ")}`);
    const avg = (xs: typeof samples) => xs.reduce((a, s) => a + s.kib, 0) / Math.max(1, xs.length);
    const peak = Math.max(...samples.map((s) => s.kib));
    // Growth is judged once the server is warm (Next's caches, V8's heap, the processing runs'
    // buffers all fill in the first half): the second half's first 10 s against its last 10 s.
    const half = SECONDS / 2;
    const early = avg(samples.filter((s) => s.t >= half && s.t < half + 10));
    const late = avg(samples.filter((s) => s.t >= SECONDS - 10));
    const growth = (late - early) / early;
    const timeline = samples.filter((_, i) => i % 10 === 9).map((s) => `${s.t.toFixed(0)} s ${(s.kib / 1024).toFixed(0)}`);
    console.log(`  server RSS (MiB) every 10 s: ${timeline.join(", ")}`);
    console.log(`  server RSS: peak ${(peak / 1024).toFixed(0)} MiB; ${half}–${half + 10} s avg ${(early / 1024).toFixed(0)} MiB, last 10 s avg ${(late / 1024).toFixed(0)} MiB (${(growth * 100).toFixed(1)}%)`);

    await new Promise((r) => setTimeout(r, 5000));
    console.log(`  server RSS 5 s after the load: ${(rssKiB(serverPid) / 1024).toFixed(0)} MiB`);

    // Feed and audio alone, app against a bare http server with the same bytes.
    bare = await startBare(feedFile, audioPath);
    const compare = async (name: string, appOpts: autocannon.Options, bareOpts: autocannon.Options) => {
      const app = await run(`${name} (app)`, { duration: COMPARE_SECONDS, ...appOpts });
      const ref = await run(`${name} (bare http)`, { duration: COMPARE_SECONDS, ...bareOpts });
      console.log(`  ${line(app)}\n  ${line(ref)}\n  ratio app/bare: throughput ${(app.rps / ref.rps).toFixed(3)}, p50 ${(app.p50 / Math.max(ref.p50, 1)).toFixed(1)}x, p99 ${(app.p99 / Math.max(ref.p99, 1)).toFixed(1)}x`);
      return app.errors + ref.errors;
    };
    console.log(`alone, ${COMPARE_SECONDS} s each, ${CONNECTIONS} connections (processing may still run):`);
    const rangeReq = [{ setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...req.headers, range: randomRange() } }) }];
    const compareErrors =
      (await compare("feed", { url: feedUrl }, { url: `${bare.url}/feed.xml` })) +
      (await compare("audio range", { url: audioUrl, requests: rangeReq }, { url: `${bare.url}/audio.mp3`, requests: rangeReq }));

    const ok = errors === 0 && compareErrors === 0 && growth < 0.15;
    console.log(ok ? "PASS: zero errors, no memory growth" : `FAIL: ${errors + compareErrors} errors, RSS growth ${(growth * 100).toFixed(1)}%`);
    if (!ok) process.exitCode = 1;
  } catch (err) {
    console.error(err);
    console.error(`server stderr (tail):\n${serverErr.slice(-3000)}`);
    process.exitCode = 1;
  } finally {
    bare?.child.kill("SIGTERM");
    for (const pid of descendants(server.pid!).reverse()) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // gone
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
