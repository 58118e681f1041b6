/**
 * `npm run bench:delivery`: the public hot paths of the production server (`npm start`'s; run
 * `npm run build` first) against a bare Node `http` server sending the same bytes, in the same
 * run, on loopback with autocannon:
 *
 * - feed 200 (a show of 12 published episodes, feed already built),
 * - feed 304 (If-None-Match with the feed's ETag),
 * - a 64 KiB byte range of an 8 MiB enclosure (random offsets),
 * - the whole 8 MiB enclosure (the bare server pipes fs.createReadStream into the response).
 *
 * App and bare runs alternate (ROUNDS rounds of DELIVERY_SECONDS each), so load from other work
 * on the machine falls on both alike. Prints app req/s, bare req/s, the ratio and p50/p99 for
 * each case. Then a show of 1,000 episodes: the first feed request after an episode edit
 * (through the REST API), and a 304 of it.
 *
 * DELIVERY_SECONDS (default 5), DELIVERY_ROUNDS (default 2), DELIVERY_CONNECTIONS (default 8);
 * DELIVERY_CASES=304,range… runs only the cases whose names contain one of the words;
 * DELIVERY_CPU_PROF=<dir> writes the server's CPU profile there (node --cpu-prof) to see where
 * the time goes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { seedUserWithAudio } from "./seed";

const SECONDS = Number(process.env.DELIVERY_SECONDS ?? 5);
const ROUNDS = Number(process.env.DELIVERY_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.DELIVERY_CONNECTIONS ?? 8);
const AUDIO_BYTES = 8 * 1024 * 1024;
const RANGE_BYTES = 64 * 1024;
const ONLY = process.env.DELIVERY_CASES?.split(",").map((w) => w.trim()).filter(Boolean);
const PROFILE_DIR = process.env.DELIVERY_CPU_PROF;
const PASSWORD = "delivery bench password";
const EMAIL = "delivery@example.com";

async function waitForHealth(base: string, timeoutMs = 120_000) {
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

async function seed(dir: string) {
  const { db, tables, newId, now, userId, fileId, audioPath, closeConnection } = await seedUserWithAudio(dir, { email: EMAIL, password: PASSWORD, name: "Delivery", audioBytes: AUDIO_BYTES });

  const show = async (slug: string, count: number) => {
    const podcastId = newId();
    await db.insert(tables.podcasts).values({ id: podcastId, ownerId: userId, slug, title: `Show ${slug}`, description: "<p>A show for the delivery bench.</p>", author: "Bench", ownerName: "Bench", ownerEmail: EMAIL, category: "Technology", createdAt: now, updatedAt: now });
    const episodes = Array.from({ length: count }, (_, i) => ({
      id: newId(),
      podcastId,
      slug: `episode-${i + 1}`,
      guid: newId(),
      title: `Episode ${i + 1}: a title of a usual length`,
      description: `<p>Show notes for episode ${i + 1} with <a href="https://example.com/${i}">a link</a> and <strong>some</strong> text.</p>`.repeat(3),
      episodeNumber: i + 1,
      status: "published" as const,
      publishedAt: new Date(now.getTime() - (count - i) * 3_600_000),
      audioFileId: fileId,
      durationSeconds: 600,
      sizeBytes: AUDIO_BYTES,
      createdAt: now,
      updatedAt: now,
    }));
    for (let i = 0; i < episodes.length; i += 200) await db.insert(tables.episodes).values(episodes.slice(i, i + 200));
    return { podcastId, episodeIds: episodes.map((e) => e.id) };
  };
  await show("bench-show", 12);
  const big = await show("big-show", 1000);
  await closeConnection();
  return { audioPath, bigEpisodeIds: big.episodeIds };
}

interface Result {
  /** CPU time the server process spent per request (µs): what load on the machine cannot hide. */
  cpuPerReq: number;
  rps: number;
  bytesPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: string;
}

/** User + system CPU time of a process so far, in µs (/proc, clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function cannon(pid: number, opts: autocannon.Options): Promise<Result> {
  const cpu0 = cpuMicros(pid);
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts }, (err, r) => {
      if (err) return reject(err);
      const codes = r.statusCodeStats as unknown as Record<string, { count: number }> | undefined;
      resolve({
        cpuPerReq: (cpuMicros(pid) - cpu0) / Math.max(1, r.requests.total),
        rps: r.requests.average,
        bytesPerSec: r.throughput.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors + r.timeouts,
        statuses: Object.entries(codes ?? {}).map(([c, s]) => `${c}×${s.count}`).join(" "),
      });
    });
  });
}

/** Alternating app and bare runs; averages of the rounds (p99: the worst round). */
async function compare(pids: { app: number; bare: number }, app: autocannon.Options, bare: autocannon.Options) {
  const runs: { app: Result[]; bare: Result[] } = { app: [], bare: [] };
  for (let i = 0; i < ROUNDS; i++) {
    runs.app.push(await cannon(pids.app, app));
    runs.bare.push(await cannon(pids.bare, bare));
  }
  const merge = (rs: Result[]): Result => ({
    cpuPerReq: rs.reduce((a, r) => a + r.cpuPerReq, 0) / rs.length,
    rps: rs.reduce((a, r) => a + r.rps, 0) / rs.length,
    bytesPerSec: rs.reduce((a, r) => a + r.bytesPerSec, 0) / rs.length,
    p50: rs.reduce((a, r) => a + r.p50, 0) / rs.length,
    p99: Math.max(...rs.map((r) => r.p99)),
    errors: rs.reduce((a, r) => a + r.errors, 0),
    statuses: [...new Set(rs.map((r) => r.statuses))].join(" / "),
  });
  return { app: merge(runs.app), bare: merge(runs.bare) };
}

/** The headers a response of the app carried, but those Node adds itself (and the length). */
function sentHeaders(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!["date", "connection", "keep-alive", "transfer-encoding", "content-length", "content-range"].includes(name)) out[name] = value;
  });
  return out;
}

/**
 * A bare Node http server in its own process sending the same bytes: the feed, and the same
 * headers as the app's answers (so the comparison is of the work, not of header counts).
 */
async function startBare(feedFile: string, etag: string, audioPath: string, headers: Record<string, Record<string, string>>): Promise<{ url: string; child: ChildProcess }> {
  const code = `
    const http = require("node:http"), fs = require("node:fs");
    const feed = fs.readFileSync(process.argv[1]);
    const etag = process.argv[2];
    const audio = process.argv[3];
    const headers = JSON.parse(process.argv[4]);
    const size = fs.statSync(audio).size;
    http.createServer((req, res) => {
      if (req.url.startsWith("/feed.xml")) {
        if (req.headers["if-none-match"] === etag) {
          res.writeHead(304, headers.feed304);
          return res.end();
        }
        res.writeHead(200, { ...headers.feed200, "Content-Length": feed.length });
        return res.end(feed);
      }
      const m = /bytes=(\\d+)-(\\d+)/.exec(req.headers.range || "");
      const start = m ? Number(m[1]) : 0, end = m ? Number(m[2]) : size - 1;
      res.writeHead(m ? 206 : 200, { ...headers.audio, "Content-Length": end - start + 1,
        ...(m ? { "Content-Range": "bytes " + start + "-" + end + "/" + size } : {}) });
      fs.createReadStream(audio, { start, end }).pipe(res);
    }).listen(0, "127.0.0.1", function () { process.stdout.write(String(this.address().port) + "\\n"); });`;
  const child = spawn(process.execPath, ["-e", code, feedFile, etag, audioPath, JSON.stringify(headers)], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) => child.stdout!.once("data", (c: Buffer) => resolve(c.toString().trim())));
  return { url: `http://127.0.0.1:${port}`, child };
}

function randomRange(): string {
  const start = Math.floor(Math.random() * (AUDIO_BYTES - RANGE_BYTES));
  return `bytes=${start}-${start + RANGE_BYTES - 1}`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  if (!fs.existsSync(path.join(process.cwd(), ".next", "standalone", "server.js"))) {
    console.error("bench:delivery needs a production build: run `npm run build` first.");
    process.exit(1);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-bench-delivery-"));
  const { audioPath, bigEpisodeIds } = await seed(dir);
  const port = 35000 + Math.floor(Math.random() * 2000);
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [...(PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`] : []), path.join("scripts", "start.mjs")], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      NEXT_TELEMETRY_DISABLED: "1",
      PUBLIC_URL: base,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let serverErr = "";
  server.stderr!.on("data", (c: Buffer) => (serverErr = (serverErr + c.toString()).slice(-20_000)));
  let bare: { url: string; child: ChildProcess } | undefined;
  let failed = false;
  try {
    await waitForHealth(base);
    const feedUrl = `${base}/p/bench-show/feed.xml`;
    const audioUrl = `${base}/p/bench-show/episode-1/audio.mp3`;
    const first = await fetch(feedUrl);
    const etag = first.headers.get("etag");
    if (first.status !== 200 || !etag) throw new Error(`the feed answered ${first.status} without an ETag`);
    const feedFile = path.join(dir, "feed.xml");
    fs.writeFileSync(feedFile, Buffer.from(await first.arrayBuffer()));
    const notModified = await fetch(feedUrl, { headers: { "if-none-match": etag } });
    if (notModified.status !== 304) throw new Error(`a conditional feed request answered ${notModified.status}, not 304`);
    const ranged = await fetch(audioUrl, { headers: { range: "bytes=0-65535" } });
    if (ranged.status !== 206 || (await ranged.arrayBuffer()).byteLength !== RANGE_BYTES) throw new Error(`a ranged audio request answered ${ranged.status}`);
    bare = await startBare(feedFile, etag, audioPath, { feed200: sentHeaders(first), feed304: sentHeaders(notModified), audio: sentHeaders(ranged) });

    const rangeReq = [{ setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...req.headers, range: randomRange() } }) }];
    const cases: Array<{ name: string; expect: string; bytes?: boolean; app: autocannon.Options; bare: autocannon.Options; goal: number }> = [
      { name: "feed 200 (cached)", expect: "200", app: { url: feedUrl }, bare: { url: `${bare.url}/feed.xml` }, goal: 0.25 },
      { name: "feed 304", expect: "304", app: { url: feedUrl, headers: { "if-none-match": etag } }, bare: { url: `${bare.url}/feed.xml`, headers: { "if-none-match": etag } }, goal: 0.25 },
      { name: "audio 64 KiB range", expect: "206", app: { url: audioUrl, requests: rangeReq }, bare: { url: `${bare.url}/audio.mp3`, requests: rangeReq }, goal: 0.5 },
      { name: "audio whole 8 MiB", expect: "200", bytes: true, app: { url: audioUrl }, bare: { url: `${bare.url}/audio.mp3` }, goal: 0.95 },
    ];
    console.log(`${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s per side and case (loopback, ${os.cpus().length} cores)`);
    console.log(`${"case".padEnd(20)} ${"app req/s".padStart(10)} ${"bare req/s".padStart(10)} ${"ratio".padStart(6)} ${"goal".padStart(5)}  app p50/p99 ms  bare p50/p99 ms  CPU µs/req app/bare`);
    for (const c of cases) {
      if (ONLY && !ONLY.some((w) => c.name.includes(w))) continue;
      const { app, bare: ref } = await compare({ app: server.pid!, bare: bare.child.pid! }, c.app, c.bare);
      const ratio = c.bytes ? app.bytesPerSec / ref.bytesPerSec : app.rps / ref.rps;
      const wrong = !app.statuses.split(/[ /]+/).filter(Boolean).every((s) => s.startsWith(`${c.expect}×`));
      const extra = c.bytes ? `  (${(app.bytesPerSec / 2 ** 20).toFixed(0)} vs ${(ref.bytesPerSec / 2 ** 20).toFixed(0)} MiB/s)` : "";
      console.log(
        `${c.name.padEnd(20)} ${app.rps.toFixed(0).padStart(10)} ${ref.rps.toFixed(0).padStart(10)} ${ratio.toFixed(3).padStart(6)} ${c.goal.toFixed(2).padStart(5)}  ${`${app.p50.toFixed(1)}/${app.p99}`.padStart(13)}  ${`${ref.p50.toFixed(1)}/${ref.p99}`.padStart(15)}  ${`${app.cpuPerReq.toFixed(0)}/${ref.cpuPerReq.toFixed(0)}`.padStart(18)}${extra}${ratio < c.goal ? "  BELOW GOAL" : ""}${app.errors || wrong ? `  ERRORS: ${app.errors}, statuses ${app.statuses}` : ""}`,
      );
      if (app.errors || wrong) failed = true;
    }

    // A show of 1,000 episodes: the first feed after an edit, and its 304.
    if (ONLY && !ONLY.some((w) => "1000".includes(w))) return;
    const token = ((await (
      await fetch(`${base}/api/v1/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: EMAIL, password: PASSWORD, name: "bench" }) })
    ).json()) as { token: string }).token;
    const bigUrl = `${base}/p/big-show/feed.xml`;
    const builds: number[] = [];
    const conditionals: number[] = [];
    let bigEtag = "";
    for (let i = 0; i < 7; i++) {
      const edit = await fetch(`${base}/api/v1/episodes/${bigEpisodeIds[i * 100]}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ title: `Edited title ${i}` }),
      });
      if (edit.status !== 200) throw new Error(`editing an episode answered ${edit.status}: ${await edit.text()}`);
      let t = performance.now();
      const res = await fetch(bigUrl);
      const xml = await res.text();
      builds.push(performance.now() - t);
      if (!xml.includes(`Edited title ${i}`)) throw new Error("the feed after an edit does not show it");
      bigEtag = res.headers.get("etag")!;
      t = performance.now();
      const cond = await fetch(bigUrl, { headers: { "if-none-match": bigEtag } });
      await cond.arrayBuffer();
      conditionals.push(performance.now() - t);
      if (cond.status !== 304) throw new Error(`a conditional request of the big feed answered ${cond.status}`);
    }
    console.log(`1,000-episode show: first feed request after an edit ${median(builds).toFixed(1)} ms (median of 7; goal ≤ 100), then a 304 ${median(conditionals).toFixed(1)} ms`);
  } catch (err) {
    console.error(err);
    console.error(`server stderr (tail):\n${serverErr.slice(-3000)}`);
    failed = true;
  } finally {
    bare?.child.kill("SIGTERM");
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      // gone
    }
    await new Promise((r) => setTimeout(r, 1000));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

void main();
