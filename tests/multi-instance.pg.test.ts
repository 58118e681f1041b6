import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppServer } from "@/tests/app-server";
import { writeSpeechLikeWav } from "@/lib/media/test-signals";
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

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

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
    await sleep(300); // let mastering's ffmpegs get going
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
});
