import fs from "node:fs";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { PassThrough, type Readable, type Writable } from "node:stream";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import ffprobeInstaller from "@ffprobe-installer/ffprobe";
import Ffmpeg from "fluent-ffmpeg";
import { getEnv } from "@/lib/env";
import { MediaError } from "./errors";

/*
 * The one place that starts ffmpeg and ffprobe. ffmpeg runs through fluent-ffmpeg: the argument
 * arrays built here are handed to it input by input (inputOptions + input) and as one output
 * (outputOptions + output), so the argv it spawns is ours (plus its own `-y`), and stdin/stdout
 * are Node streams, so one process can feed another. Two spots it cannot run stay on `spawn`
 * (spawnTool below; fluent.test.ts shows why): ffprobe, because fluent's ffprobe() keeps
 * its process to itself (no pid, no kill: no time limit, memory cap or abort), and an ffmpeg whose
 * stdout is one branch of a tee muxer, because fluent's output stream always adds a `pipe:1`
 * output of its own. Either way every process runs from an argument array (no shell), with a time
 * limit, a memory cap and abort. fluent-ffmpeg is archived upstream: keep it inside this file.
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
  // fluent-ffmpeg keeps these process-wide; set, it never searches PATH (which) for a binary.
  Ffmpeg.setFfmpegPath(ffmpeg);
  Ffmpeg.setFfprobePath(ffprobe);
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
  /** stdin: "ignore", "pipe" (write to Running.stdin) or another process's stdout. */
  stdin?: "ignore" | "pipe" | Readable;
  /** stdout: "ignore" or "pipe" (read Running.stdout / hand it to another process). */
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
  /** The process's stdout (stdout: "pipe"): read it, or pass it to the next process as its stdin. */
  stdout: Readable | null;
  /** Where to write the process's stdin (stdin: "pipe"). */
  stdin: Writable | null;
  done: Promise<RunResult>;
  /** Kills the process (SIGKILL), now or as soon as it has started; it then fails as "failed". */
  kill(): void;
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
 * What every process gets, however it was started: the time limit, the memory watchdog, abort,
 * the stderr log and progress, and one way to turn its end into a RunResult or a MediaError.
 */
class Supervisor {
  readonly started = Date.now();
  private log = "";
  private outSeconds = 0;
  private peak = 0;
  private cpuMs = 0;
  private pid: number | undefined;
  private killedFor: MediaError | undefined;
  private stopRequested = false;
  private exited = false;
  private signalProcess: (() => void) | undefined;
  private readonly report: ReturnType<typeof throttleProgress> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly watchdog: NodeJS.Timeout;
  private readonly onAbort = () => this.kill(new MediaError("cancelled", "Processing was cancelled."));

  constructor(
    private readonly tool: "ffmpeg" | "ffprobe",
    private readonly label: string,
    private readonly opts: RunOptions,
  ) {
    this.report = opts.onProgress ? throttleProgress(opts.onProgress) : undefined;
    const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
    const memoryLimit = opts.memoryLimitBytes ?? 768 * 1024 * 1024;
    this.timer = setTimeout(
      () => this.kill(new MediaError("timeout", "Processing took too long and was stopped.", `${label}: killed after ${timeoutMs} ms`)),
      timeoutMs,
    );
    this.watchdog = setInterval(() => {
      if (this.pid === undefined) return;
      const status = readProcStatus(this.pid);
      if (!status) return;
      this.peak = Math.max(this.peak, status.hwm, status.rss);
      this.cpuMs = Math.max(this.cpuMs, status.cpuMs);
      if (status.rss > memoryLimit) {
        this.kill(new MediaError("memory", "Processing needed too much memory and was stopped.", `${label}: RSS ${status.rss} > ${memoryLimit}`));
      }
    }, 200);
    if (opts.signal?.aborted) this.onAbort();
    opts.signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /** The process exists: watch its memory, log it, and deliver a kill that came before it started. */
  running(pid: number | undefined, signalProcess: () => void): void {
    this.pid = pid;
    this.signalProcess = signalProcess;
    const logFile = getEnv().PODCASTPRO_FFMPEG_LOG;
    // Tests count processes per step with this (crash-safety.test.ts); off unless configured.
    if (logFile) fs.appendFileSync(logFile, JSON.stringify({ tool: this.tool, label: this.label, pid, at: this.started }) + "\n");
    if (this.killedFor || this.stopRequested) signalProcess();
  }

  /** Kills the process for a reason of ours (time, memory, abort): that reason is its error. */
  kill(err: MediaError): void {
    this.killedFor ??= err;
    this.stop();
  }

  /** Kills the process without a reason of ours (a pipeline neighbour failed): it ends as failed. */
  stop(): void {
    if (this.exited) return;
    this.stopRequested = true;
    this.signalProcess?.();
  }

  /** One line of stderr: a -progress key (out_time_us in 5.x, out_time_ms, also µs, in 4.x) or the log. */
  line(line: string): void {
    const m = /^out_time_(?:us|ms)=(\d+)/.exec(line);
    if (m) {
      this.outSeconds = Number(m[1]) / 1e6;
      if (this.report && this.opts.expectedSeconds) this.report(this.outSeconds / this.opts.expectedSeconds);
      return;
    }
    if (/^[a-z_0-9]+=/.test(line)) return; // other progress keys
    this.log += line + "\n";
    if (this.log.length > LOG_TAIL_BYTES * 2) this.log = this.log.slice(-LOG_TAIL_BYTES);
  }

  /** The process is gone: stop watching, and say how it ended (a RunResult, or throws a MediaError). */
  settle(end: { code: number | null; signal: string | null; error?: Error }, bin: string): RunResult {
    this.exited = true;
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    this.opts.signal?.removeEventListener("abort", this.onAbort);
    if (this.killedFor) throw this.killedFor;
    if ((end.error as NodeJS.ErrnoException | undefined)?.syscall?.startsWith("spawn")) {
      throw new MediaError("missing_binary", "Audio processing is not available on this server.", `${bin}: ${end.error!.message}`);
    }
    if (end.code !== 0 || end.error) {
      const tail = this.log.trim().split("\n").slice(-6).join(" | ");
      const how = (end.code !== null && end.code !== 0) || end.signal !== null ? `exit ${end.code ?? end.signal}` : (end.error?.message ?? "no exit status");
      throw new MediaError("failed", "The audio could not be processed.", `${this.label}: ${how}: ${tail}`);
    }
    this.report?.finish();
    return { log: this.log, ms: Date.now() - this.started, peakRssBytes: this.peak, outSeconds: this.outSeconds, cpuMs: this.cpuMs };
  }
}

/**
 * An ffmpeg argument array as fluent-ffmpeg takes it: each input (`-i` and its source) with the
 * options before it, then the one output's options and its target (the last argument). fluent
 * joins them back in the same order. No argument of ours is the value "-i".
 */
export function splitForFluent(args: string[]): { inputs: { options: string[]; source: string }[]; output: { options: string[]; target: string } } {
  const inputs: { options: string[]; source: string }[] = [];
  let from = 0;
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== "-i") continue;
    const source = args[i + 1];
    if (source === undefined) throw new Error("ffmpeg arguments end with -i");
    inputs.push({ options: args.slice(from, i), source });
    from = i + 2;
    i++;
  }
  const options = args.slice(from);
  const target = options.pop();
  if (target === undefined) throw new Error("ffmpeg arguments have no output");
  return { inputs, output: { options, target } };
}

/**
 * inputOptions/outputOptions given one array split every element with exactly one space in two
 * ("-ss 10" shorthand), which would turn a value like "title=a b" into two arguments. Given
 * several arguments they take each as it is: so spread, and refuse a lone element with a space.
 */
function addOptions(add: (...options: string[]) => unknown, options: string[]): void {
  if (options.length === 0) return;
  if (options.length === 1 && options[0]!.includes(" ")) throw new Error(`ffmpeg option with a space cannot stand alone: ${options[0]}`);
  add(...options);
}

/**
 * Before every run fluent-ffmpeg checks output formats and codecs by spawning `ffmpeg -formats`
 * and `ffmpeg -encoders` (once per Node process, but with no limits, and once per command for
 * commands started together), only to reject names ffmpeg itself rejects and to add
 * `-strict experimental` after `-acodec` (we write -c:a). Our arguments are fixed in code: skip it.
 */
function skipCapabilityChecks(command: Ffmpeg.FfmpegCommand): void {
  Object.assign(command, {
    _checkCapabilities: (callback: (err?: Error) => void) => callback(),
    availableEncoders: (callback: (err: Error | null, encoders: Record<string, never>) => void) => callback(null, {}),
  });
}

/** ffmpeg through fluent-ffmpeg. stdin and stdout are Node streams between processes. */
function startFluent(args: string[], opts: RunOptions, label: string): Running {
  const bin = ffmpegPaths().ffmpeg;
  const plan = splitForFluent(args);
  const command = Ffmpeg({ stdoutLines: 100 });
  skipCapabilityChecks(command);
  let stdin: PassThrough | null = null;
  for (const input of plan.inputs) {
    let source: string | Readable = input.source;
    if (source === "pipe:0") {
      if (opts.stdin === "pipe") source = stdin = new PassThrough();
      else if (opts.stdin && typeof opts.stdin !== "string") source = opts.stdin;
      else throw new Error(`${label}: reads pipe:0 without a stdin`);
    }
    command.input(source);
    addOptions((...o) => command.inputOptions(...o), input.options);
  }
  // fluent ends an output stream's options with its own "pipe:1"; no 'close' event from it,
  // because fluent kills the process 20 ms after its output stream closes, even mid-exit.
  const stdout = opts.stdout === "pipe" ? new PassThrough({ emitClose: false }) : null;
  command.output(stdout ?? plan.output.target);
  addOptions((...o) => command.outputOptions(...o), plan.output.options);

  const supervisor = new Supervisor("ffmpeg", label, opts);
  let child: ChildProcess | undefined;
  command.on("start", () => {
    // fluent sets ffmpegProc just before 'start': the only way to its pid, for the memory watchdog.
    child = (command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
    supervisor.running(child?.pid, () => command.kill("SIGKILL"));
  });
  command.on("stderr", (line: string) => supervisor.line(line));
  const done = new Promise<RunResult>((resolve, reject) => {
    const settle = (error?: Error) => {
      const finish = () => {
        // A writer into a dead process must not wait for 'drain' forever.
        stdin?.destroy();
        try {
          resolve(supervisor.settle({ code: child?.exitCode ?? null, signal: child?.signalCode ?? null, error }, bin));
        } catch (err) {
          reject(err as Error);
        }
      };
      // fluent reports a stream error before the process is gone: wait for it.
      if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) child.once("exit", finish);
      else finish();
    };
    command.on("end", () => settle());
    command.on("error", (err: Error) => settle(err));
  });
  // Keep an unhandled rejection from crashing the process when a caller awaits another promise first.
  done.catch(() => {});
  command.run();
  return { stdout, stdin, done, kill: () => supervisor.stop() };
}

/**
 * The two spots fluent-ffmpeg cannot run (see the file comment and fluent.test.ts):
 * ffprobe, and an ffmpeg that writes one branch of a tee to stdout. Plain spawn, same guards.
 */
function spawnTool(tool: "ffmpeg" | "ffprobe", args: string[], opts: RunOptions, label: string): Running {
  const bin = ffmpegPaths()[tool];
  const upstream = opts.stdin && typeof opts.stdin !== "string" ? opts.stdin : undefined;
  const child = spawn(bin, args, {
    stdio: [opts.stdin === "pipe" || upstream ? "pipe" : "ignore", opts.stdout ?? "ignore", "pipe"],
    shell: false,
    windowsHide: true,
  });
  const supervisor = new Supervisor(tool, label, opts);
  supervisor.running(child.pid, () => child.kill("SIGKILL"));
  if (upstream) {
    // A dead reader surfaces through its own exit code; the writer must not crash the app.
    child.stdin!.on("error", () => {});
    upstream.pipe(child.stdin!);
  }
  let partial = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) supervisor.line(line);
  });
  let spawnError: Error | undefined;
  child.on("error", (err) => (spawnError = err));
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on("close", (code, signal) => {
      if (partial) supervisor.line(partial);
      try {
        resolve(supervisor.settle({ code, signal, error: spawnError }, bin));
      } catch (err) {
        reject(err as Error);
      }
    });
  });
  done.catch(() => {});
  return {
    stdout: child.stdout,
    stdin: upstream ? null : child.stdin,
    done,
    kill: () => supervisor.stop(),
  };
}

/**
 * Starts ffmpeg or ffprobe with an argument array. Progress (`-progress pipe:2` output) is parsed
 * from stderr; the rest of stderr is kept as a bounded log. The promise rejects with a MediaError
 * on a non-zero exit, timeout, memory cap or abort.
 */
export function startTool(tool: "ffmpeg" | "ffprobe", args: string[], opts: RunOptions = {}): Running {
  const label = opts.label ?? tool;
  // stdout piped but not the output's own target: one branch of a tee (see spawnTool).
  const teeToStdout = opts.stdout === "pipe" && args.at(-1) !== "pipe:1";
  if (tool === "ffprobe" || teeToStdout) return spawnTool(tool, args, opts, label);
  return startFluent(args, opts, label);
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
    for (const p of procs) p.kill();
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
