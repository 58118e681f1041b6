import fs from "node:fs";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import ffprobeInstaller from "@ffprobe-installer/ffprobe";
import { getEnv } from "@/lib/env";
import { MediaError } from "./errors";

/*
 * The one place that starts ffmpeg and ffprobe. We spawn the binaries directly instead of going
 * through fluent-ffmpeg: it is archived upstream, it cannot wire one process's stdout into another
 * (our fused passes run two or three ffmpegs as a pipeline so two cores work at once), and its
 * helpful extras (ffprobe lookup, string options) are exactly what hostile input should not reach.
 * Every process runs from an argument array (no shell), with a time limit and a memory cap.
 */

export type FfmpegPaths = { ffmpeg: string; ffprobe: string };

let cachedPaths: FfmpegPaths | undefined;

/** Makes a bundled binary executable for every user when it was installed without x bits (ffprobe ships 0744). */
function ensureExecutable(file: string, variable: string): void {
  let mode: number;
  try {
    mode = fs.statSync(file).mode;
  } catch {
    throw new MediaError("missing_binary", "Audio processing is not available on this server.", `${file} not found; set ${variable}`);
  }
  if ((mode & 0o111) === 0o111) return;
  try {
    fs.chmodSync(file, mode | 0o111);
    return;
  } catch {
    // Not the owner: fine as long as this user can run it.
  }
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new MediaError(
      "missing_binary",
      "Audio processing is not available on this server.",
      `${file} is not executable by this user (mode ${(mode & 0o777).toString(8)}): run \`chmod 755 ${file}\` or set ${variable}`,
    );
  }
}

/**
 * The ffmpeg and ffprobe binaries: FFMPEG_PATH / FFPROBE_PATH when set, otherwise the ones
 * bundled by @ffmpeg-installer/@ffprobe-installer (made executable if they were not).
 */
export function ffmpegPaths(): FfmpegPaths {
  if (cachedPaths) return cachedPaths;
  const env = getEnv();
  const ffmpeg = env.FFMPEG_PATH ?? ffmpegInstaller.path;
  const ffprobe = env.FFPROBE_PATH ?? ffprobeInstaller.path;
  ensureExecutable(ffmpeg, "FFMPEG_PATH");
  ensureExecutable(ffprobe, "FFPROBE_PATH");
  cachedPaths = { ffmpeg, ffprobe };
  return cachedPaths;
}

/** For tests and the benchmark that switch binaries between runs (call resetEnvForTests too). */
export function resetFfmpegPathsForTests(): void {
  cachedPaths = undefined;
}

/**
 * Demuxers a user file may be opened with: the accepted audio containers and the two image
 * formats, matched by content. Leaving out hls, concat, image2 (extension-based), tty, data and
 * friends means a crafted playlist or list file is refused instead of followed.
 */
export const USER_INPUT_FORMATS = "wav,mp3,mov,flac,ogg,aiff,aac,jpeg_pipe,png_pipe";

/**
 * Input options for any file a user supplied: only local files (no http, no data:, no
 * concat: protocol), only the whitelisted demuxers, and the path made explicit with `file:` so a
 * name with a colon or a leading dash is never read as a protocol or an option.
 */
export function userInput(file: string): string[] {
  return ["-protocol_whitelist", "file", "-format_whitelist", USER_INPUT_FORMATS, "-i", `file:${path.resolve(file)}`];
}

/** Input options for raw float PCM written by this module (work files and pipes). */
export function rawInput(source: string, sampleRate: number, channels: number): string[] {
  return [
    "-protocol_whitelist", "file,pipe",
    "-f", "f32le", "-ar", String(sampleRate), "-ac", String(channels),
    "-i", source === "pipe:0" ? source : `file:${path.resolve(source)}`,
  ];
}

/** Options every ffmpeg run starts with: quiet banner, machine-readable progress on stderr. */
export const COMMON_ARGS = ["-hide_banner", "-nostdin", "-nostats", "-y", "-max_alloc", String(512 * 1024 * 1024)];

export type ProgressCallback = (fraction: number) => void;

export type RunOptions = {
  /** Kill after this long (default 10 minutes). */
  timeoutMs?: number;
  /** Kill when the resident memory goes over this (default 768 MiB). Enforced on Linux via /proc. */
  memoryLimitBytes?: number;
  /** Media seconds this process will output, to turn its progress into a fraction. */
  expectedSeconds?: number;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** stdin: "ignore", "pipe" (write to child.stdin) or another process's stdout. */
  stdin?: "ignore" | "pipe" | Readable;
  /** stdout: "ignore" or "pipe" (read child.stdout / hand it to another process). */
  stdout?: "ignore" | "pipe";
  /** A short name for messages ("clean up", "encode"). */
  label?: string;
};

export type RunResult = {
  /** The tail of stderr (the log, without progress lines), for parsing summaries and errors. */
  log: string;
  ms: number;
  /** Peak resident memory of the process (VmHWM), when the platform exposes it. */
  peakRssBytes: number;
  /** The last media time ffmpeg reported writing (-progress), in seconds; 0 when none. */
  outSeconds: number;
  /** CPU time used as last sampled (Linux; up to 200 ms short). */
  cpuMs: number;
};

export type Running = {
  child: ChildProcess;
  stdout: Readable | null;
  stdin: Writable | null;
  done: Promise<RunResult>;
};

const LOG_TAIL_BYTES = 256 * 1024;
const PROGRESS_INTERVAL_MS = 250;

function readProcStatus(pid: number): { rss: number; hwm: number; cpuMs: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0) * 1024;
    // utime + stime (fields 14 and 15 of stat, after the parenthesised command name), in 1/100 s.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM"), cpuMs };
  } catch {
    return undefined;
  }
}

/** Makes an onProgress that reports at most every 250 ms, never goes backwards, and always reports 1 at the end. */
export function throttleProgress(onProgress: ProgressCallback | undefined): ProgressCallback & { finish(): void } {
  let last = 0;
  let lastValue = -1;
  const fn = ((fraction: number) => {
    if (!onProgress) return;
    const value = Math.max(0, Math.min(1, fraction));
    const now = Date.now();
    if (value <= lastValue || now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    lastValue = value;
    onProgress(value);
  }) as ProgressCallback & { finish(): void };
  fn.finish = () => {
    if (onProgress && lastValue < 1) {
      lastValue = 1;
      onProgress(1);
    }
  };
  return fn;
}

/**
 * Starts ffmpeg or ffprobe with an argument array. Progress (`-progress pipe:2` output) is parsed
 * from stderr; the rest of stderr is kept as a bounded log. The promise rejects with a MediaError
 * on a non-zero exit, timeout, memory cap or abort.
 */
export function startTool(tool: "ffmpeg" | "ffprobe", args: string[], opts: RunOptions = {}): Running {
  const bin = ffmpegPaths()[tool];
  const label = opts.label ?? tool;
  const started = Date.now();
  const child = spawn(bin, args, {
    stdio: [opts.stdin ?? "ignore", opts.stdout ?? "ignore", "pipe"],
    shell: false,
    windowsHide: true,
  });
  const logFile = getEnv().PODCASTPRO_FFMPEG_LOG;
  // Tests count processes per step with this (crash-safety.test.ts); off unless configured.
  if (logFile) fs.appendFileSync(logFile, JSON.stringify({ tool, label, pid: child.pid, at: started }) + "\n");
  // The child now holds its own copy of the upstream pipe. Close ours: otherwise the upstream
  // process never counts as closed, and we could steal bytes meant for this child.
  if (opts.stdin && typeof opts.stdin !== "string") opts.stdin.destroy();
  const report = opts.onProgress ? throttleProgress(opts.onProgress) : undefined;
  let log = "";
  let partial = "";
  let killedFor: MediaError | undefined;
  let peak = 0;
  let outSeconds = 0;
  let cpuMs = 0;

  const kill = (err: MediaError) => {
    killedFor ??= err;
    child.kill("SIGKILL");
  };

  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      // -progress writes key=value lines; out_time_us (5.x) or out_time_ms (4.x, also µs).
      const m = /^out_time_(?:us|ms)=(\d+)/.exec(line);
      if (m) {
        outSeconds = Number(m[1]) / 1e6;
        if (report && opts.expectedSeconds) report(Number(m[1]) / 1e6 / opts.expectedSeconds);
        continue;
      }
      if (/^[a-z_0-9]+=/.test(line)) continue; // other progress keys
      log += line + "\n";
      if (log.length > LOG_TAIL_BYTES * 2) log = log.slice(-LOG_TAIL_BYTES);
    }
  });

  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  const memoryLimit = opts.memoryLimitBytes ?? 768 * 1024 * 1024;
  const timer = setTimeout(
    () => kill(new MediaError("timeout", "Processing took too long and was stopped.", `${label}: killed after ${timeoutMs} ms`)),
    timeoutMs,
  );
  const watchdog = setInterval(() => {
    if (child.pid === undefined) return;
    const status = readProcStatus(child.pid);
    if (!status) return;
    peak = Math.max(peak, status.hwm, status.rss);
    cpuMs = Math.max(cpuMs, status.cpuMs);
    if (status.rss > memoryLimit) {
      kill(new MediaError("memory", "Processing needed too much memory and was stopped.", `${label}: RSS ${status.rss} > ${memoryLimit}`));
    }
  }, 200);
  const onAbort = () => kill(new MediaError("cancelled", "Processing was cancelled."));
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  const done = new Promise<RunResult>((resolve, reject) => {
    child.on("error", (err: NodeJS.ErrnoException) => {
      kill(new MediaError("missing_binary", "Audio processing is not available on this server.", `${bin}: ${err.message}`));
    });
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      clearInterval(watchdog);
      opts.signal?.removeEventListener("abort", onAbort);
      if (partial) log += partial;
      const result = { log, ms: Date.now() - started, peakRssBytes: peak, outSeconds, cpuMs };
      if (killedFor) return reject(killedFor);
      if (code !== 0) {
        const tail = log.trim().split("\n").slice(-6).join(" | ");
        return reject(new MediaError("failed", "The audio could not be processed.", `${label}: exit ${code ?? sig}: ${tail}`));
      }
      report?.finish();
      resolve(result);
    });
  });
  // Keep an unhandled rejection from crashing the process when a caller awaits another promise first.
  done.catch(() => {});
  return { child, stdout: child.stdout, stdin: child.stdin, done };
}

/** Runs one ffmpeg/ffprobe to completion. */
export function runTool(tool: "ffmpeg" | "ffprobe", args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return startTool(tool, args, opts).done;
}

/**
 * Waits for every process of a pipeline. When one fails, the others are killed (a dead reader
 * would otherwise leave the writer blocked until its timeout) and the first real error wins.
 */
export async function settlePipeline(procs: Running[], extra: Promise<unknown>[] = []): Promise<RunResult[]> {
  const all = [...procs.map((p) => p.done), ...extra];
  try {
    await Promise.all(all);
  } catch (err) {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    const settled = await Promise.allSettled(all);
    // Prefer the error that explains the others (a decoder failing) over the EPIPE it caused downstream.
    const reasons = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected").map((s) => s.reason);
    throw reasons.find((r) => r instanceof MediaError && r.code !== "failed") ?? reasons[0] ?? err;
  }
  return Promise.all(procs.map((p) => p.done));
}

/** A time limit proportional to the media length: generous even for the slow bundled encoder on a busy machine. */
export function timeoutFor(seconds: number): number {
  return 120_000 + Math.ceil(seconds * 1000);
}
