import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSpeechLikeWav } from "@/lib/media/test-signals";
import { AppServer } from "@/tests/app-server";
import { createPgDatabase, dropPgDatabase } from "@/tests/pg-admin";

/**
 * Crash safety of the production server (`npm start`'s, so `npm run build` must have run:
 * scripts/test.sh builds before vitest). The server is killed with SIGKILL (its whole process
 * group, ffmpeg included, as a power cut would) while an episode is in its long mastering step
 * and while a scheduled publish sleeps; started again on the same DATA_DIR (and database), the
 * run finishes with correct audio without redoing finished steps, and the publish happens.
 * Steps are counted from PODCASTPRO_FFMPEG_LOG: one JSON line per spawned ffmpeg/ffprobe.
 */
const root = path.resolve(__dirname, "..");
const dialect = process.env.TEST_DB === "postgres" ? "postgres" : "sqlite";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-crash-"));
const port = 21000 + Math.floor(Math.random() * 9000) + (dialect === "postgres" ? 1 : 0);
const base = `http://127.0.0.1:${port}`;
let databaseUrl: string | undefined;
let pgDatabase: string | undefined;

const app = new AppServer("crash", { dataDir, port, databaseUrl: () => databaseUrl });
const startServer = () => app.start();
const killServer = (signal: NodeJS.Signals = "SIGKILL") => app.kill(signal);
const ffmpegCounts = (fromLine = 0) => app.ffmpegSteps(fromLine);
const ffmpegLines = () => app.ffmpegLines().length;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let token = "";
async function api(method: string, url: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function waitUntil<T>(what: string, fn: () => Promise<T | false | null | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${app.output.slice(-3000)}`);
    await sleep(everyMs);
  }
}

function measureLufs(file: string) {
  const out = execFileSync("bash", ["-c", `"${ffmpegInstaller.path}" -hide_banner -nostats -i "${file}" -af ebur128 -f null - 2>&1 | tail -n 12`], { encoding: "utf8" });
  return Number(/I:\s+(-?[\d.]+) LUFS/.exec(out)?.[1]);
}

const workRoot = path.join(dataDir, "tmp", "work");
const workDirs = () => (fs.existsSync(workRoot) ? fs.readdirSync(workRoot) : []);

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, ".next", "standalone", "server.js"))) {
    throw new Error("crash-safety.test.ts needs a production build: run `npm run build` first (npm test does).");
  }
  if (dialect === "postgres") {
    ({ name: pgDatabase, url: databaseUrl } = await createPgDatabase("pp_crash"));
  }
}, 60_000);

afterAll(async () => {
  await killServer("SIGKILL");
  if (pgDatabase) await dropPgDatabase(pgDatabase);
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe("crash safety of the production server", () => {
  it("resumes a run killed mid-mastering without redoing finished steps, cleans up, and publishes a schedule across a kill", async () => {
    await startServer();
    const email = `crash-${Date.now()}@example.com`;
    await api("POST", "/users", { name: "Crash", email, password: "long enough pw" });
    token = (await api("POST", "/tokens", { email, password: "long enough pw" })).body.token;
    const podcast = (await api("POST", "/podcasts", { title: `Crash test ${dialect}` })).body;
    const episode = (await api("POST", `/podcasts/${podcast.id}/episodes`, { title: "Long one" })).body;
    const second = (await api("POST", `/podcasts/${podcast.id}/episodes`, { title: "Cancelled one" })).body;

    const recording = path.join(dataDir, "recording.wav");
    // 22.05 kHz keeps the upload under the 10 MB that Next buffers for proxy.ts (see the report).
    await writeSpeechLikeWav(recording, { seconds: 150, seed: 6, sampleRate: 22050 });
    const form = new FormData();
    form.append("file", new Blob([fs.readFileSync(recording)]), "recording.wav");
    const uploaded = await fetch(`${base}/api/v1/files`, { method: "POST", body: form, headers: { authorization: `Bearer ${token}` } });
    const uploadText = await uploaded.text();
    expect(uploaded.status, uploadText).toBe(201);
    const file = JSON.parse(uploadText) as { id: string };

    // 1. Kill the server while the episode is in its long step.
    const linesBefore = ffmpegLines();
    expect((await api("POST", `/episodes/${episode.id}/process`, { audioFileId: file.id })).status).toBe(202);
    const running = await waitUntil(
      "the mastering step",
      async () => {
        const p = (await api("GET", `/episodes/${episode.id}`)).body.processing;
        return p?.status === "running" && p.step === "clean up, master and encode" && p;
      },
      60_000,
      50,
    );
    // Mastering's ffmpeg has started (the kill must land inside it, not before it).
    await waitUntil("mastering's ffmpeg to start", async () => ffmpegCounts(linesBefore)["clean up, master and encode"], 30_000, 25);
    await killServer("SIGKILL");
    const beforeKill = ffmpegCounts(linesBefore);
    expect(beforeKill["inspect inputs"]).toBe(2); // probe + full decode of the recording
    expect(beforeKill["measure loudness"]).toBe(1);
    expect(beforeKill["clean up, master and encode"]).toBeGreaterThanOrEqual(1);
    expect(workDirs()).toContain(running.id);

    // 2. Start again: the run continues from its last finished step.
    const linesAtRestart = ffmpegLines();
    await startServer();
    const done = await waitUntil(
      "processing to end after the restart",
      async () => {
        const p = (await api("GET", `/episodes/${episode.id}`)).body.processing;
        return p && !["queued", "running"].includes(p.status) && p;
      },
      90_000,
      250,
    );
    expect(done.status, done.error).toBe("succeeded");
    const afterRestart = ffmpegCounts(linesAtRestart);
    expect(afterRestart["inspect inputs"] ?? 0, "inspect inputs was redone").toBe(0);
    expect(afterRestart["measure loudness"] ?? 0, "measure loudness was redone").toBe(0);
    expect(afterRestart["clean up, master and encode"]).toBeGreaterThanOrEqual(1);

    // Correct output: the stored master is within 1 LU of the target, measured independently.
    const audio = await fetch(`${base}/api/v1/files/${done.outputFileId}/content`, { headers: { authorization: `Bearer ${token}` } });
    expect(audio.status).toBe(200);
    const master = path.join(dataDir, "master.mp3");
    fs.writeFileSync(master, Buffer.from(await audio.arrayBuffer()));
    const target = (done.stats as { targetLufs: number }).targetLufs;
    expect(Math.abs(measureLufs(master) - target)).toBeLessThanOrEqual(1);
    expect(workDirs(), "work folder left after success").not.toContain(done.id);

    // 3. Cancellation: the work folder of a cancelled run does not outlive the next start.
    expect((await api("POST", `/episodes/${second.id}/process`, { audioFileId: file.id })).status).toBe(202);
    const cancelled = await waitUntil(
      "the second run's mastering step",
      async () => {
        const p = (await api("GET", `/episodes/${second.id}`)).body.processing;
        return p?.status === "running" && p.step === "clean up, master and encode" && p;
      },
      60_000,
      50,
    );
    expect((await api("POST", `/episodes/${second.id}/process/cancel`)).status).toBe(200);

    // 4. A scheduled publish 5 s ahead survives a kill.
    const at = new Date(Date.now() + 5000);
    const scheduled = await api("POST", `/episodes/${episode.id}/publish`, { at: at.toISOString() });
    expect(scheduled.body.status).toBe("scheduled");
    // The kill must come after the durable sleep is stored (the Jobs API shows it sleeping until
    // the publish time), or this would test nothing.
    await waitUntil(
      "the scheduled publish's durable sleep to be stored",
      async () => {
        const runs = (await api("GET", "/runs?limit=100")).body.items as Array<{ id: string; functionId: string; status: string }>;
        for (const run of runs.filter((r) => r.functionId === "podcastpro-publish-episode" && r.status === "running")) {
          const steps = (await api("GET", `/runs/${run.id}`)).body.steps as Array<{ kind: string; status: string; wakeAt: string | null }>;
          if (steps.some((st) => st.kind === "sleep" && st.status === "sleeping" && st.wakeAt === at.toISOString())) return true;
        }
        return false;
      },
      10_000,
      50,
    );
    await killServer("SIGKILL");
    // A part left by an upload that died with the process (older than the sweeper's 10 minutes).
    const uploads = path.join(dataDir, "tmp", "uploads");
    fs.mkdirSync(uploads, { recursive: true });
    const stalePart = path.join(uploads, `${crypto.randomUUID()}.part`);
    fs.writeFileSync(stalePart, "half an upload");
    const hourAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(stalePart, hourAgo, hourAgo);

    await startServer();
    expect(fs.existsSync(stalePart), "stale upload part survived the start").toBe(false);
    await waitUntil("the cancelled run's work folder to go", async () => !workDirs().includes(cancelled.id), 15_000);
    const published = await waitUntil(
      "the scheduled publish",
      async () => {
        const e = (await api("GET", `/episodes/${episode.id}`)).body;
        return e.status === "published" && e;
      },
      30_000,
      250,
    );
    expect(new Date(published.publishedAt).getTime()).toBe(at.getTime());
    expect((await api("GET", `/episodes/${second.id}`)).body.processing.status).toBe("cancelled");
    expect(workDirs()).toEqual([]);
    if (process.env.CRASH_REPORT) {
      fs.writeFileSync(process.env.CRASH_REPORT, JSON.stringify({ dialect, beforeKill, afterRestart, lufs: measureLufs(master), target }) + "\n", { flag: "a" });
    }
    await killServer("SIGTERM");
  }, 240_000);
});
