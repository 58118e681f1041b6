import { execFileSync } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import Ffmpeg from "fluent-ffmpeg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { measureRecording } from "./clean-up";
import { ffmpegPaths, resetFfmpegPathsForTests, runTool, startTool } from "./ffmpeg";
import { inspectMedia } from "./inspect";
import { measureLoudness } from "./loudness";
import { masterEpisode } from "./master";
import { writeMusicWav, writeSpeechLikeWav } from "./test-signals";

/*
 * How lib/media starts processes: through fluent-ffmpeg, with our argument arrays unchanged and
 * nothing spawned behind our back; and the two spots fluent-ffmpeg cannot run, shown against
 * fluent-ffmpeg itself, so the day it can, these tests say so.
 */

let dir: string;
const f = (name: string) => path.join(dir, name);
const real = () => ffmpegPaths();

/**
 * A stand-in binary that records its argv (NUL-separated) in a file of its own under logDir
 * (processes of a pipeline start together: one shared file could interleave), then execs the real one.
 */
async function loggingWrapper(name: string, target: string, logDir: string): Promise<string> {
  await fsp.mkdir(logDir, { recursive: true });
  const file = f(`${name}-${path.basename(logDir)}`);
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  await fsp.writeFile(file, `#!/bin/sh\nprintf '%s\\0' ${q(name)} "$@" > ${q(logDir)}/$$.argv\nexec ${q(target)} "$@"\n`, { mode: 0o755 });
  return file;
}

function readInvocations(logDir: string): { tool: string; args: string[] }[] {
  if (!fs.existsSync(logDir)) return [];
  return fs.readdirSync(logDir).map((name) => {
    const [tool, ...args] = fs.readFileSync(path.join(logDir, name), "utf8").split("\0").slice(0, -1);
    return { tool: tool!, args };
  });
}

/** Runs fn with FFMPEG_PATH/FFPROBE_PATH pointing at logging wrappers; returns what was started. */
async function recordingInvocations(fn: () => Promise<unknown>): Promise<{ tool: string; args: string[] }[]> {
  const log = f(`argv-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const { ffmpeg, ffprobe } = real();
  process.env.FFMPEG_PATH = await loggingWrapper("ffmpeg", ffmpeg, log);
  process.env.FFPROBE_PATH = await loggingWrapper("ffprobe", ffprobe, log);
  resetEnvForTests();
  resetFfmpegPathsForTests();
  try {
    await fn();
  } finally {
    restorePaths();
  }
  return readInvocations(log);
}

const saved = { ffmpeg: process.env.FFMPEG_PATH, ffprobe: process.env.FFPROBE_PATH };
function restorePaths() {
  if (saved.ffmpeg === undefined) delete process.env.FFMPEG_PATH;
  else process.env.FFMPEG_PATH = saved.ffmpeg;
  if (saved.ffprobe === undefined) delete process.env.FFPROBE_PATH;
  else process.env.FFPROBE_PATH = saved.ffprobe;
  resetEnvForTests();
  resetFfmpegPathsForTests();
  ffmpegPaths(); // hands fluent-ffmpeg the real binaries again
}

/** Polls until probe returns a value; fails after the deadline. */
async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every input of an ffmpeg argv: its source and the options of its group. */
function inputsOf(args: string[]): { source: string; options: string[] }[] {
  const out: { source: string; options: string[] }[] = [];
  let from = 0;
  args.forEach((a, i) => {
    if (a === "-i") {
      out.push({ source: args[i + 1]!, options: args.slice(from, i) });
      from = i + 2;
    }
  });
  return out;
}

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), "pp-fluent-test-"));
  ffmpegPaths(); // also hands fluent-ffmpeg the binaries, for the tests that use it directly
  await writeSpeechLikeWav(f("speech.wav"), { seconds: 8, channels: 2, seed: 4, leadingSilence: 0.5, trailingSilence: 0.5 });
  await writeMusicWav(f("intro.wav"), { seconds: 3, seed: 2 });
  // A name a shell or a naive splitter would break: a space, a colon, a leading dash.
  await fsp.copyFile(f("speech.wav"), f("-odd name:1.wav"));
});

afterAll(async () => {
  restorePaths();
  await fsp.rm(dir, { recursive: true, force: true });
});

describe("processes started through fluent-ffmpeg", () => {
  it("get our argument arrays unchanged, with every guard, and nothing else is spawned", async () => {
    const invocations = await recordingInvocations(async () => {
      const info = await inspectMedia(f("-odd name:1.wav"));
      if (info.kind !== "audio") throw new Error("fixture");
      await measureLoudness(f("-odd name:1.wav"));
      const measured = await measureRecording(f("speech.wav"), { channels: 2, durationSeconds: info.durationSeconds });
      await masterEpisode({
        recording: { path: f("speech.wav"), durationSeconds: info.durationSeconds, loudness: measured.loudness },
        channels: 2,
        intro: { path: f("intro.wav"), durationSeconds: 3 },
        target: { integratedLufs: -16 },
        workDir: f("work"),
        outputPath: f("out/episode.mp3"),
        opus: { outputPath: f("out/episode.opus") },
        tags: { title: "-i a title" },
      });
    });
    const ffprobes = invocations.filter((i) => i.tool === "ffprobe");
    const ffmpegs = invocations.filter((i) => i.tool === "ffmpeg");
    // inspect: probe + decode; measureLoudness: 1; measureRecording: 1; master: intro measure + clean, mix, encode, verify, opus.
    expect(ffprobes).toHaveLength(1);
    expect(ffmpegs).toHaveLength(1 + 1 + 1 + 6);
    // The Opus rendition's encoder reads the mix's PCM from a pipe and writes one file:, its title one argument.
    const opus = ffmpegs.find((i) => i.args.includes("libopus"))!;
    expect(opus.args.at(-1)).toBe(`file:${f("out/episode.opus")}.partial`);
    expect(opus.args).toEqual(expect.arrayContaining(["-metadata", "title=-i a title", "-c:a", "libopus", "-f", "ogg"]));
    // fluent-ffmpeg's own checks (-formats, -encoders) and its progress ffprobe never run.
    for (const { args } of invocations) expect(args.some((a) => ["-formats", "-encoders", "-codecs", "-filters"].includes(a))).toBe(false);

    // The probe: whitelists, and the path as one `file:` argument.
    expect(ffprobes[0]!.args).toEqual(expect.arrayContaining(["-protocol_whitelist", "file", "-format_whitelist"]));
    expect(ffprobes[0]!.args.at(-1)).toMatch(/^file:\/.*\/input$/);
    for (const { args } of ffmpegs) {
      expect(args.slice(0, 3)).toEqual(["-hide_banner", "-nostdin", "-nostats"]);
      for (const input of inputsOf(args)) {
        // Each input opens only what its group allows: a whitelisted protocol, an absolute file: path or our pipe.
        expect(input.options).toContain("-protocol_whitelist");
        expect(input.source).toMatch(/^(file:\/|pipe:0$)/);
        if (input.source.startsWith("file:") && !input.options.includes("f32le")) expect(input.options).toContain("-format_whitelist");
      }
    }
    // The odd name reached ffmpeg whole, as one argument.
    const loudness = ffmpegs.find((i) => i.args.includes(`file:${f("-odd name:1.wav")}`));
    expect(loudness, "measureLoudness opened the file by its full name").toBeDefined();
  });

  it("passes an option value with one space as one argument", async () => {
    // fluent-ffmpeg's inputOptions/outputOptions would split "title=a b" in two when given one array.
    const out = f("title.mp3");
    const invocations = await recordingInvocations(() =>
      runTool("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "0.2", "-metadata", "title=a b", "-y", `file:${out}`]),
    );
    expect(invocations).toHaveLength(1);
    expect(invocations[0]!.args.filter((a) => a !== "-y")).toEqual([
      "-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "0.2", "-metadata", "title=a b", `file:${out}`,
    ]);
    const tags = execFileSync(real().ffprobe, ["-v", "error", "-show_entries", "format_tags=title", "-of", "csv=p=0", out], { encoding: "utf8" });
    expect(tags.trim()).toBe("a b");
  });

  it("streams one process into another and kills a process that has not started yet", async () => {
    // A generator → encoder pair joined by Node streams, as the mastering pipeline joins its processes.
    const gen = startTool(
      "ffmpeg",
      ["-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=2:r=8000", "-f", "s16le", "-ac", "1", "pipe:1"],
      { stdout: "pipe", label: "generate" },
    );
    const enc = startTool(
      "ffmpeg",
      ["-hide_banner", "-nostdin", "-v", "error", "-protocol_whitelist", "pipe", "-f", "s16le", "-ar", "8000", "-ac", "1", "-i", "pipe:0", "-af", "volume=0.5", "-f", "s16le", "pipe:1"],
      { stdin: gen.stdout!, stdout: "pipe", label: "halve" },
    );
    const chunks: Buffer[] = [];
    for await (const c of enc.stdout! as AsyncIterable<Buffer>) chunks.push(c);
    await Promise.all([gen.done, enc.done]);
    const pcm = Buffer.concat(chunks);
    // Two seconds at 8 kHz, 16-bit, all of it through both processes.
    expect(pcm.length).toBe(2 * 8000 * 2);
    expect(Math.max(...new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2))).toBeGreaterThan(1000);

    // kill() before fluent-ffmpeg has spawned the process (it spawns a few ticks later).
    const doomed = startTool("ffmpeg", ["-hide_banner", "-nostdin", "-f", "lavfi", "-i", "sine=d=36000", "-f", "null", "-"], { label: "doomed" });
    doomed.kill();
    await expect(doomed.done).rejects.toMatchObject({ code: "failed", detail: expect.stringMatching(/^doomed: exit SIGKILL/) });
  });
});

describe("what fluent-ffmpeg cannot run (these stay on spawn)", () => {
  it("cannot give one branch of a tee muxer to a stream: its output stream adds a pipe:1 output of its own", async () => {
    const teeTo = (name: string) => `[f=mp3]file:${f(name)}|[f=mp3]pipe:1`;
    const tee = teeTo("fluent-tee.mp3");
    const sink = new PassThrough();
    sink.resume();
    let argv = "";
    const outcome = await new Promise<Error | undefined>((resolve) => {
      Ffmpeg()
        .input("sine=f=440:d=1")
        .inputOptions("-f", "lavfi")
        .output(sink)
        .outputOptions("-map", "0:a", "-c:a", "libmp3lame", "-f", "tee", tee)
        .on("start", (cmdline: string) => (argv = cmdline))
        .on("end", () => resolve(undefined))
        .on("error", (err: Error) => resolve(err))
        .run();
    });
    // ffmpeg sees a second output, "pipe:1", with no format, and refuses the command.
    expect(argv.endsWith(`-f tee ${tee} pipe:1`)).toBe(true);
    expect(outcome?.message).toMatch(/exited with code|suitable output format/);

    // The same encode through startTool (plain spawn for this shape) writes both branches.
    const enc = startTool(
      "ffmpeg",
      ["-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=1", "-map", "0:a", "-c:a", "libmp3lame", "-f", "tee", teeTo("spawn-tee.mp3")],
      { stdout: "pipe", label: "encode" },
    );
    let piped = 0;
    for await (const c of enc.stdout! as AsyncIterable<Buffer>) piped += c.length;
    await enc.done;
    // About 8 kB for a second of mono MP3 on each branch; the file's copy also has its Xing frame.
    expect(piped).toBeGreaterThan(4000);
    expect(fs.statSync(f("spawn-tee.mp3")).size).toBeGreaterThan(piped);
  });

  it("runs ffprobe with our whitelists and file: path, but keeps the process to itself: nothing can time it out or kill it", async () => {
    // The flags and the path pass through as they are...
    const log = f("ffprobe-argv");
    Ffmpeg.setFfprobePath(await loggingWrapper("ffprobe-fluent", real().ffprobe, log));
    const guards = ["-v", "error", "-protocol_whitelist", "file", "-format_whitelist", "wav"];
    try {
      const data = await new Promise<Ffmpeg.FfprobeData>((resolve, reject) =>
        Ffmpeg(`file:${f("speech.wav")}`).ffprobe(guards, (err: Error | null, d: Ffmpeg.FfprobeData) => (err ? reject(err) : resolve(d))),
      );
      expect(data.format.format_name).toBe("wav");
      expect(readInvocations(log)[0]!.args).toEqual(["-show_streams", "-show_format", ...guards, `file:${f("speech.wav")}`]);

      // ...but a probe that hangs cannot be stopped through fluent-ffmpeg: no handle, no pid, kill() reaches nothing.
      const pidFile = f("probe.pid");
      const hanging = f("hanging-ffprobe");
      await fsp.writeFile(hanging, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 120\n`, { mode: 0o755 });
      Ffmpeg.setFfprobePath(hanging);
      const command = Ffmpeg(`file:${f("speech.wav")}`);
      let returned: unknown = "not called";
      const ended = new Promise<Error | null>((resolve) => {
        returned = command.ffprobe(guards, (err: Error | null) => resolve(err));
      });
      expect(returned).toBeUndefined();
      const pid = await waitFor(() => Number(fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").trim()) || undefined, 10_000, "the probe to start");
      expect((command as unknown as { ffmpegProc?: unknown }).ffmpegProc).toBeUndefined();
      command.kill("SIGKILL");
      // Still running (not even a zombie): fluent-ffmpeg sent nothing.
      expect(fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]![0]).not.toBe("Z");
      process.kill(pid, "SIGKILL");
      expect(String(await ended)).toMatch(/killed with signal SIGKILL/);
    } finally {
      restorePaths();
    }
  });
});
