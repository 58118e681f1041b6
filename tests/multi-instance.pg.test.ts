import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { AppServer } from "@/tests/app-server";
import { writeSpeechLikeWav } from "@/lib/media/test-signals";
import { startTestS3 } from "@/lib/storage/s3-test-server";
import { createPgDatabase, dropPgDatabase, pgQuery as query } from "@/tests/pg-admin";

/**
 * Two production servers (`npm start`'s, so `npm run build` must have run: scripts/test.sh
 * builds before vitest) on one fresh PostgreSQL database and one shared DATA_DIR, as two app
 * instances on one machine behind a load balancer. Both serve traffic; only the leader (holder
 * of the executor's advisory lock, lib/jobs/leader.ts) runs jobs. The leader is killed with
 * SIGKILL mid-mastering; the other instance takes over and finishes the run, and no finished
 * step runs again. Then the killed one comes back as a standby and takes the lead back when the
 * other is killed while a scheduled publish sleeps; the publish happens once, on time. Each instance writes its own PODCASTPRO_FFMPEG_LOG, so the logs show which
 * instance ran which step. PostgreSQL only: SQLite is one machine, one process.
 * The second case is the deployment docs/DEPLOY.md describes, sharing nothing but PostgreSQL and
 * an S3 bucket (s3rver on loopback): each instance has its own DATA_DIR, and the leader's is
 * deleted once it is killed mid-mastering, so the standby can only use what the steps stored.
 */
const root = path.resolve(__dirname, "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-multi-"));
const authSecret = crypto.randomBytes(32).toString("hex");
let databaseUrl = "";
let pgDatabase: string | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil<T>(what: string, fn: () => Promise<T | false | null | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${instances.map((i) => `--- ${i.name}\n${i.output.slice(-3000)}`).join("\n")}`);
    await sleep(everyMs);
  }
}

const server = (name: string) =>
  new AppServer(name, { dataDir, port: 30000 + Math.floor(Math.random() * 9000), databaseUrl: () => databaseUrl, authSecret });
const a = server("a");
const b = server("b");
const instances = [a, b];
const ownDataDirs: string[] = [];
let s3: Awaited<ReturnType<typeof startTestS3>> | undefined;

afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  for (const d of ownDataDirs) fs.rmSync(d, { recursive: true, force: true });
  await s3?.close();
});

if (process.env.TEST_DB === "postgres") describe("two app instances on one PostgreSQL", () => {
  beforeAll(async () => {
    if (!fs.existsSync(path.join(root, ".next", "standalone", "server.js"))) {
      throw new Error("multi-instance.pg.test.ts needs a production build: run `npm run build` first (npm test does).");
    }
    ({ name: pgDatabase, url: databaseUrl } = await createPgDatabase("pp_multi"));
  }, 60_000);

  afterAll(async () => {
    for (const i of instances) await i.kill("SIGKILL");
    if (pgDatabase) await dropPgDatabase(pgDatabase);
  }, 60_000);

  it("both serve traffic, one runs the jobs, and the other finishes a run when the leader is killed mid-step or mid-sleep", async () => {
    // One after the other: the first migrates the fresh database.
    await a.start();
    await b.start();
    for (const i of instances) {
      const h = await i.health();
      expect(h.status, i.name).toBe(200);
      expect(h.body.executor).toMatchObject({ ok: true, mode: "embedded" });
    }
    const leaderPid = async () => {
      const rows = await query<{ name: string }>(
        databaseUrl,
        "select application_name as name from pg_stat_activity where datname = current_database() and application_name like 'podcastpro executor leader%'",
      );
      return rows.length === 1 ? Number(/pid (\d+)$/.exec(rows[0]!.name)?.[1]) : undefined;
    };
    const firstLeader = await waitUntil("a leader", leaderPid, 10_000);
    const leader = instances.find((i) => i.owns(firstLeader))!;
    const other = instances.find((i) => i !== leader)!;
    expect(leader, "the leader pid belongs to one of the two servers").toBeDefined();

    // Everything below goes through the standby: its requests are served, the leader runs the job.
    let token = "";
    const api = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${other.base}/api/v1${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    const email = `multi-${Date.now()}@example.com`;
    // The user is created on the leader, the token taken on the other: one database behind both.
    const created = await fetch(`${leader.base}/api/v1/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Multi", email, password: "long enough pw" }),
    });
    expect(created.status).toBeLessThan(300);
    token = (await api("POST", "/tokens", { email, password: "long enough pw" })).body.token;
    expect(token).toBeTruthy();
    const podcast = (await api("POST", "/podcasts", { title: "Two instances" })).body;
    const episode = (await api("POST", `/podcasts/${podcast.id}/episodes`, { title: "Handed over" })).body;

    const recording = path.join(dataDir, "recording.wav");
    await writeSpeechLikeWav(recording, { seconds: 120, seed: 9, sampleRate: 22050 });
    const form = new FormData();
    form.append("file", new Blob([fs.readFileSync(recording)]), "recording.wav");
    const uploaded = await fetch(`${other.base}/api/v1/files`, { method: "POST", body: form, headers: { authorization: `Bearer ${token}` } });
    const uploadText = await uploaded.text();
    expect(uploaded.status, uploadText).toBe(201);
    const file = JSON.parse(uploadText) as { id: string };
    // The upload itself is probed by the instance that received it; count the job's from here.
    const otherFrom = other.ffmpegLines().length;
    const leaderFrom = leader.ffmpegLines().length;

    expect((await api("POST", `/episodes/${episode.id}/process`, { audioFileId: file.id })).status).toBe(202);
    await waitUntil(
      "the mastering step",
      async () => {
        const p = (await api("GET", `/episodes/${episode.id}`)).body.processing;
        return p?.status === "running" && p.step === "clean up, master and encode" && p;
      },
      60_000,
      50,
    );
    // Mastering's ffmpeg has started on the leader (its log says so), not merely the step.
    await waitUntil("mastering's ffmpeg on the leader", async () => (leader.ffmpegSteps(leaderFrom)["clean up, master and encode"] ?? 0) >= 1, 60_000, 50);
    // The call in flight is leased by the leader's process, and only the leader ran ffmpeg.
    const leases = await query<{ token: string }>(databaseUrl, "select lease_token as token from job_queue where lease_until > now()");
    expect(leases.length).toBeGreaterThanOrEqual(1);
    for (const l of leases) expect(leader.owns(Number(l.token.split("|")[1])), l.token).toBe(true);
    const beforeKill = leader.ffmpegSteps(leaderFrom);
    expect(beforeKill["inspect inputs"]).toBe(2); // probe + full decode
    expect(beforeKill["measure loudness"]).toBe(1);
    expect(beforeKill["clean up, master and encode"]).toBeGreaterThanOrEqual(1);
    expect(other.ffmpegSteps(otherFrom)).toEqual({});

    const killedAt = Date.now();
    await leader.kill("SIGKILL");
    const newLeader = await waitUntil("the other instance to take the lead", async () => {
      const pid = await leaderPid();
      return pid && other.owns(pid) && pid;
    }, 15_000, 100);
    expect(newLeader).toBeTruthy();
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(10_000);

    const done = await waitUntil(
      "processing to end on the surviving instance",
      async () => {
        const p = (await api("GET", `/episodes/${episode.id}`)).body.processing;
        return p && !["queued", "running"].includes(p.status) && p;
      },
      120_000,
      250,
    );
    expect(done.status, done.error).toBe("succeeded");
    // The survivor ran only the step cut short by the kill; finished steps were not redone.
    const survivor = other.ffmpegSteps(otherFrom);
    expect(survivor["inspect inputs"] ?? 0, "inspect inputs was redone").toBe(0);
    expect(survivor["measure loudness"] ?? 0, "measure loudness was redone").toBe(0);
    expect(survivor["clean up, master and encode"]).toBeGreaterThanOrEqual(1);
    // In the job tables: every step completed exactly once, whoever ran it.
    const twice = await query(
      databaseUrl,
      "select step_hashed_id, count(*) from job_attempts where outcome = 'ok' and step_hashed_id is not null group by run_id, step_hashed_id having count(*) > 1",
    );
    expect(twice).toEqual([]);
    const audio = await fetch(`${other.base}/api/v1/files/${done.outputFileId}/content`, { headers: { authorization: `Bearer ${token}` } });
    expect(audio.status).toBe(200);
    expect((await audio.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    expect((await other.health()).status).toBe(200);

    // Hand the lead back: the killed instance comes back as a standby, a publish is scheduled
    // a few seconds ahead, and the current leader is killed while the run sleeps.
    await leader.start();
    for (const i of instances) expect((await i.health()).status, i.name).toBe(200);
    expect(other.owns((await leaderPid())!), "the restarted instance stands by").toBe(true);
    const at = new Date(Date.now() + 4000);
    expect((await api("POST", `/episodes/${episode.id}/publish`, { at: at.toISOString() })).body.status).toBe("scheduled");
    await waitUntil("the publish run to sleep", async () => {
      const rows = await query(databaseUrl, "select 1 from job_steps where status = 'sleeping'");
      return rows.length === 1;
    }, 10_000);
    await other.kill("SIGKILL");
    const published = await waitUntil(
      "the scheduled publish on the restarted instance",
      async () => {
        const res = await fetch(`${leader.base}/api/v1/episodes/${episode.id}`, { headers: { authorization: `Bearer ${token}` } });
        const e = (await res.json()) as { status: string; publishedAt: string };
        return e.status === "published" && e;
      },
      30_000,
      250,
    );
    expect(new Date(published.publishedAt).getTime()).toBe(at.getTime());
    expect(leader.owns((await leaderPid())!)).toBe(true);
    // The episode turns published inside the run's last step; the run itself is marked completed
    // a moment later, when the SDK's final answer reaches the executor.
    const publishRuns = await waitUntil(
      "the publish run to complete",
      async () => {
        const rows = await query<{ status: string }>(databaseUrl, "select status from job_runs where function_id = 'podcastpro-publish-episode'");
        return rows.every((r) => r.status !== "running" && r.status !== "queued") && rows;
      },
      10_000,
    );
    expect(publishRuns).toEqual([{ status: "completed" }]);
    expect(
      await query(
        databaseUrl,
        "select step_hashed_id from job_attempts where outcome = 'ok' and step_hashed_id is not null group by run_id, step_hashed_id having count(*) > 1",
      ),
    ).toEqual([]);
    if (process.env.MULTI_REPORT) {
      fs.writeFileSync(process.env.MULTI_REPORT, JSON.stringify({ takeoverMs, beforeKill, survivor }) + "\n", { flag: "a" });
    }
  }, 300_000);

  it("with media in S3 and a DATA_DIR each, the standby finishes a run after the leader is killed and its disk is gone", async () => {
    for (const i of instances) await i.kill("SIGKILL");
    s3 = await startTestS3();
    const storageEnv = {
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    };
    const dirOf = new Map<AppServer, string>();
    const separate = (name: string) => {
      const own = fs.mkdtempSync(path.join(os.tmpdir(), `podcastpro-multi-${name}-`));
      ownDataDirs.push(own);
      const instance = new AppServer(name, { dataDir: own, port: 30000 + Math.floor(Math.random() * 9000), databaseUrl: () => databaseUrl, authSecret, env: storageEnv });
      dirOf.set(instance, own);
      return instance;
    };
    const c = separate("c");
    const d = separate("d");
    instances.push(c, d);
    await c.start();
    await d.start();
    const leaderPid = async () => {
      const rows = await query<{ name: string }>(
        databaseUrl,
        "select application_name as name from pg_stat_activity where datname = current_database() and application_name like 'podcastpro executor leader%'",
      );
      return rows.length === 1 ? Number(/pid (\d+)$/.exec(rows[0]!.name)?.[1]) : undefined;
    };
    const firstLeader = await waitUntil("a leader among the S3 instances", async () => {
      const pid = await leaderPid();
      return pid && (c.owns(pid) || d.owns(pid)) && pid;
    }, 15_000);
    const leader = c.owns(firstLeader) ? c : d;
    const other = leader === c ? d : c;

    let token = "";
    const api = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${other.base}/api/v1${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    const email = `multi-s3-${Date.now()}@example.com`;
    const created = await fetch(`${other.base}/api/v1/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Multi S3", email, password: "long enough pw" }),
    });
    expect(created.status).toBeLessThan(300);
    token = (await api("POST", "/tokens", { email, password: "long enough pw" })).body.token;
    const podcast = (await api("POST", "/podcasts", { title: "Nothing shared but the bucket" })).body;
    const episode = (await api("POST", `/podcasts/${podcast.id}/episodes`, { title: "No shared disk" })).body;

    const recording = path.join(os.tmpdir(), `podcastpro-recording-${crypto.randomUUID()}.wav`);
    await writeSpeechLikeWav(recording, { seconds: 120, seed: 19, sampleRate: 22050 });
    const form = new FormData();
    form.append("file", new Blob([fs.readFileSync(recording)]), "recording.wav");
    fs.rmSync(recording, { force: true });
    // Uploaded through the standby: the recording reaches the leader only through the bucket.
    const uploaded = await fetch(`${other.base}/api/v1/files`, { method: "POST", body: form, headers: { authorization: `Bearer ${token}` } });
    const uploadText = await uploaded.text();
    expect(uploaded.status, uploadText).toBe(201);
    const file = JSON.parse(uploadText) as { id: string };
    const otherFrom = other.ffmpegLines().length;
    const leaderFrom = leader.ffmpegLines().length;

    expect((await api("POST", `/episodes/${episode.id}/process`, { audioFileId: file.id })).status).toBe(202);
    await waitUntil(
      "the leader to be mastering",
      async () => {
        const p = (await api("GET", `/episodes/${episode.id}`)).body.processing;
        return p?.status === "running" && p.step === "clean up, master and encode" && (leader.ffmpegSteps(leaderFrom)["clean up, master and encode"] ?? 0) >= 1;
      },
      60_000,
      50,
    );
    const beforeKill = leader.ffmpegSteps(leaderFrom);
    expect(beforeKill["measure loudness"]).toBe(1);
    expect(other.ffmpegSteps(otherFrom)).toEqual({});

    // The leader dies and its disk with it: the work folder, the S3 cache, everything.
    await leader.kill("SIGKILL");
    fs.rmSync(dirOf.get(leader)!, { recursive: true, force: true });
    await waitUntil("the standby to take the lead", async () => {
      const pid = await leaderPid();
      return pid && other.owns(pid);
    }, 15_000);

    const done = await waitUntil(
      "processing to end on the surviving instance",
      async () => {
        const p = (await api("GET", `/episodes/${episode.id}`)).body.processing;
        return p && !["queued", "running"].includes(p.status) && p;
      },
      180_000,
      250,
    );
    expect(done.status, done.error).toBe("succeeded");
    const survivor = other.ffmpegSteps(otherFrom);
    expect(survivor["measure loudness"] ?? 0, "measure loudness was redone").toBe(0);
    expect(survivor["clean up, master and encode"]).toBeGreaterThanOrEqual(1);
    // No attempt failed on the standby: it never looked for a file on the dead leader's disk.
    const failedAttempts = await query(databaseUrl, "select step_hashed_id, outcome, error from job_attempts where run_id = $1 and outcome <> 'ok'", [done.runId]);
    expect(failedAttempts).toEqual([]);
    const shown = (await api("GET", `/episodes/${episode.id}`)).body;
    expect(shown).toMatchObject({ status: "ready", audioFileId: done.outputFileId });

    // Served: the bytes come from the bucket (redirected there), an MP3 of the mastered length.
    const audio = await fetch(`${other.base}/api/v1/files/${done.outputFileId}/content`, { headers: { authorization: `Bearer ${token}` } });
    expect(audio.status).toBe(200);
    const bytes = Buffer.from(await audio.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(100_000);
    expect(bytes.subarray(0, 3).toString("latin1")).toBe("ID3");

    // Nothing left in the bucket that no file points at (no intermediate from the cut-short step).
    const listed = await s3.storage.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    const objects = (listed.Contents ?? []).map((o) => o.Key!).sort();
    const files = await query<{ key: string }>(databaseUrl, "select storage_key as key from media_files order by storage_key");
    const known = new Set(files.map((f) => f.key));
    expect(objects.filter((k) => !known.has(k))).toEqual([]);
    expect(objects.length).toBeGreaterThanOrEqual(2); // the recording and the master
    const work = path.join(dirOf.get(other)!, "tmp", "work");
    expect(fs.existsSync(work) ? fs.readdirSync(work) : []).toEqual([]);
    if (process.env.MULTI_REPORT) {
      fs.writeFileSync(process.env.MULTI_REPORT, JSON.stringify({ s3: { beforeKill, survivor } }) + "\n", { flag: "a" });
    }
  }, 360_000);
});
