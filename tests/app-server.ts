import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * A production server of the app (scripts/start.mjs, as `npm start`; `npm run build` must have
 * run — scripts/test.sh builds before vitest) as a child process in its own process group, so
 * SIGKILL reaches its ffmpeg children too, as a power cut would. Used by the crash-safety and
 * several-instances tests. Each server logs one JSON line per spawned ffmpeg/ffprobe
 * (PODCASTPRO_FFMPEG_LOG), so tests can count which durable steps ran.
 */
const root = path.resolve(__dirname, "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Which durable step spawned an ffmpeg, from the labels lib/media gives its processes. */
const STEP_OF_LABEL: Record<string, string> = {
  probe: "inspect inputs",
  "decode audio": "inspect inputs",
  "decode image": "inspect inputs",
  "measure loudness": "measure loudness",
  "clean up": "clean up, master and encode",
  mix: "clean up, master and encode",
  encode: "clean up, master and encode",
  verify: "clean up, master and encode",
  waveform: "clean up, master and encode",
};

export class AppServer {
  readonly base: string;
  readonly ffmpegLog: string;
  child: ChildProcess | undefined;
  output = "";

  constructor(
    readonly name: string,
    private readonly opts: {
      dataDir: string;
      port: number;
      databaseUrl?: () => string | undefined;
      authSecret?: string;
      /** More configuration (e.g. STORAGE_DRIVER=s3 and its S3_* settings). */
      env?: Record<string, string>;
    },
  ) {
    this.base = `http://127.0.0.1:${opts.port}`;
    this.ffmpegLog = path.join(opts.dataDir, `ffmpeg-${name}.jsonl`);
  }

  /** Starts the server and waits for /api/health to answer 200 (60 s at most). */
  async start() {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(this.opts.port),
      DATA_DIR: this.opts.dataDir,
      HOST: "127.0.0.1",
      PUBLIC_URL: this.base,
      PODCASTPRO_FFMPEG_LOG: this.ffmpegLog,
    };
    for (const name of Object.keys(env)) {
      if (/^(DATABASE_URL|AUTH_SECRET|AUTH_TRUST_HOST|NEXTAUTH_.*|INNGEST_.*|VITEST.*|TEST_DB|STORAGE_DRIVER|S3_.*)$/.test(name)) delete env[name];
    }
    Object.assign(env, this.opts.env);
    const databaseUrl = this.opts.databaseUrl?.();
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    if (this.opts.authSecret) env.AUTH_SECRET = this.opts.authSecret; // instances of one deployment share it
    Object.assign(env, this.opts.env);
    const child = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], {
      cwd: root,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.name}: the server exited:\n${this.output}`);
      if ((await this.health()).status === 200) return;
      await sleep(200);
    }
    throw new Error(`${this.name}: the server did not answer /api/health within 60 s:\n${this.output}`);
  }

  async health(): Promise<{ status: number; body: { status?: string; executor?: { ok: boolean; mode: string } } }> {
    return fetch(`${this.base}/api/health`).then(
      async (r) => ({ status: r.status, body: await r.json() }),
      () => ({ status: 0, body: {} }),
    );
  }

  /** True when `pid` is this server's process or one of its children (its process group). */
  owns(pid: number): boolean {
    if (!this.child?.pid) return false;
    if (pid === this.child.pid) return true;
    try {
      return Number(execFileSync("ps", ["-o", "pgid=", "-p", String(pid)], { encoding: "utf8" }).trim()) === this.child.pid;
    } catch {
      return false;
    }
  }

  /** Signals the whole process group and waits for the server to exit. */
  async kill(signal: NodeJS.Signals = "SIGKILL") {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid!, signal);
    } catch {
      child.kill(signal);
    }
    await exited;
    this.child = undefined;
  }

  ffmpegLines(): string[] {
    return fs.existsSync(this.ffmpegLog) ? fs.readFileSync(this.ffmpegLog, "utf8").trim().split("\n").filter(Boolean) : [];
  }

  /** ffmpeg/ffprobe processes this server spawned (from its `fromLine`th), per durable step. */
  ffmpegSteps(fromLine = 0): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const line of this.ffmpegLines().slice(fromLine)) {
      const step = STEP_OF_LABEL[(JSON.parse(line) as { label: string }).label] ?? "other";
      counts[step] = (counts[step] ?? 0) + 1;
    }
    return counts;
  }
}
