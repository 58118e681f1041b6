/**
 * Mastering benchmark (issues 4 and 11): a deterministic 60-minute mono 48 kHz conversation
 * (quiet −30, mid −20 and loud −12 LUFS speaker turns, 1–2 s pauses and an 8 s pause, pink noise
 * at about −60 dBFS, 50/60 Hz hum) with 10-second intro and outro through the real pipeline
 * (leveler, high-pass, edge trimming, intro/outro, MP3 128k + ID3 with cover and chapters,
 * verification, waveform, and the Opus rendition: 64 kbps stereo Ogg from the same PCM), and in the same run the bare reference recipe (loudnorm measure pass;
 * apply pass with loudnorm linear and the measured values, concat, libmp3lame 128k CBR, ID3 with
 * cover and chapters). Prints wall times, realtime factors, their ratio, memory and the listener's
 * loudness figures (ebur128 on input and output), with the bundled ffmpeg and, when present,
 * /usr/bin/ffmpeg through FFMPEG_PATH.
 *
 *   npx tsx bench/mastering.ts [--minutes 60] [--only bundled|system]
 *
 * Each ffmpeg is measured in a child Node process of its own, so memory growth is the app's alone.
 * The generated audio is cached in $TMPDIR/podcastpro-bench.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const minutes = Number(arg("minutes") ?? 60);
const benchDir = path.join(os.tmpdir(), "podcastpro-bench");
const SYSTEM_FFMPEG = "/usr/bin/ffmpeg";

/** CPU seconds of this process's reaped children so far (cutime + cstime), Linux only. */
function childrenCpuSeconds(): number {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

type Figures = {
  referenceCpu: number;
  pipelineFfmpegCpu: number;
  pipelineNodeCpu: number;
  processCpu: Record<string, number>;
  label: string;
  ffmpeg: string;
  inspectMs: number;
  pipelineMs: number;
  stages: Record<string, number>;
  referenceMs: number;
  rssGrowthMb: number;
  ffmpegPeakMb: number;
  mode: string;
  encodes: number;
  leveler: string;
  listener: import("../lib/media/listener-meter").ListenerFigures;
  referenceListener: { integrated: number; truePeak: number; lra: number; spreadLu: number };
  opus: { integrated: number; truePeak: number; sizeMb: number; mp3SizeMb: number };
  inputLufs: number;
  outputLufs: number;
  outputTp: number;
  silenceRemoved: number;
  outputSeconds: number;
};

type Fixtures = {
  main: string;
  intro: string;
  outro: string;
  cover: string;
  chapters: string;
  truth: import("../lib/media/test-signals").SpeakerTurnsTruth;
};

const CHAPTERS = Array.from({ length: 6 }, (_, i) => ({ startSeconds: (i * minutes * 60) / 6, title: `Part ${i + 1}` }));

async function ensureFixtures(): Promise<Fixtures> {
  const { writeSpeakerTurnsWav, writeMusicWav } = await import("../lib/media/test-signals");
  await fsp.mkdir(benchDir, { recursive: true });
  const main = path.join(benchDir, `conversation-${minutes}min-48k-mono.wav`);
  const truthFile = `${main}.truth.json`;
  const intro = path.join(benchDir, "intro-10s.wav");
  const outro = path.join(benchDir, "outro-10s.wav");
  const cover = path.join(benchDir, "cover.png");
  const chapters = path.join(benchDir, `chapters-${minutes}min.txt`);
  if (!fs.existsSync(main) || !fs.existsSync(truthFile)) {
    const t = Date.now();
    const truth = await writeSpeakerTurnsWav(`${main}.partial`, { seconds: minutes * 60, sampleRate: 48000, seed: 42 });
    await fsp.writeFile(truthFile, JSON.stringify(truth));
    await fsp.rename(`${main}.partial`, main);
    console.log(`generated ${main} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  if (!fs.existsSync(intro)) await writeMusicWav(intro, { seconds: 10, seed: 7 });
  if (!fs.existsSync(outro)) await writeMusicWav(outro, { seconds: 10, seed: 9, rootHz: 196 });
  if (!fs.existsSync(cover)) {
    spawnSync(SYSTEM_FFMPEG, ["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=teal:s=1400x1400", "-frames:v", "1", cover]);
  }
  // ffmetadata chapters for the reference's ID3 CHAP frames (after the 10 s intro).
  const meta = [";FFMETADATA1", "title=Benchmark", ...CHAPTERS.flatMap((c, i) => [
    "[CHAPTER]", "TIMEBASE=1/1000", `START=${Math.round((c.startSeconds + 10) * 1000)}`,
    `END=${Math.round(((CHAPTERS[i + 1]?.startSeconds ?? minutes * 60) + 10) * 1000)}`, `title=${c.title}`,
  ])].join("\n");
  await fsp.writeFile(chapters, meta);
  const truth = JSON.parse(await fsp.readFile(truthFile, "utf8")) as Fixtures["truth"];
  return { main, intro, outro, cover, chapters, truth };
}

/** Runs in a child process: one configuration, printing its figures as JSON on the last line. */
async function measureOne(label: string): Promise<void> {
  const media = await import("../lib/media");
  const { ffmpegPaths } = media;
  const files = await ensureFixtures();
  const work = await fsp.mkdtemp(path.join(benchDir, "run-"));
  const ffmpeg = ffmpegPaths().ffmpeg;
  const target = -16;
  const ceiling = -1;
  try {
    // The reference first, so its page-cache warm-up does not favour the pipeline.
    const refStart = Date.now();
    const refCpu0 = childrenCpuSeconds();
    const pass1 = spawnSync(ffmpeg, ["-hide_banner", "-nostdin", "-nostats", "-i", files.main, "-af", `loudnorm=I=${target}:TP=${ceiling}:LRA=11:print_format=json`, "-f", "null", "-"], { encoding: "utf8", maxBuffer: 64 << 20 });
    const json = JSON.parse(/\{[\s\S]*\}/.exec(pass1.stderr)![0]) as Record<string, string>;
    const ln = `loudnorm=I=${target}:TP=${ceiling}:LRA=11:measured_I=${json.input_i}:measured_LRA=${json.input_lra}:measured_TP=${json.input_tp}:measured_thresh=${json.input_thresh}:offset=${json.target_offset}:linear=true`;
    const pass2 = spawnSync(ffmpeg, [
      "-hide_banner", "-nostdin", "-nostats", "-y", "-i", files.intro, "-i", files.main, "-i", files.outro,
      "-i", files.cover, "-f", "ffmetadata", "-i", files.chapters,
      "-filter_complex", `[1:a]${ln},aresample=44100,aformat=channel_layouts=stereo[m];[0:a][m][2:a]concat=n=3:v=0:a=1[out]`,
      "-map", "[out]", "-map", "3:v", "-map_metadata", "4", "-map_chapters", "4",
      "-c:a", "libmp3lame", "-b:a", "128k", "-c:v", "copy", "-id3v2_version", "3",
      "-metadata:s:v", "title=Album cover", "-metadata:s:v", "comment=Cover (front)",
      path.join(work, "reference.mp3"),
    ], { encoding: "utf8", maxBuffer: 64 << 20 });
    if (pass2.status !== 0) throw new Error(`reference failed: ${pass2.stderr.slice(-500)}`);
    const referenceMs = Date.now() - refStart;
    const referenceCpu = childrenCpuSeconds() - refCpu0;

    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let rssPeak = rss0;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);

    const t0 = Date.now();
    const info = await media.inspectMedia(files.main);
    const inspectMs = Date.now() - t0;
    if (info.kind !== "audio") throw new Error("fixture is not audio");
    const [introInfo, outroInfo] = await Promise.all([media.inspectMedia(files.intro), media.inspectMedia(files.outro)]);
    const t1 = Date.now();
    const cpu1 = childrenCpuSeconds();
    const own1 = ownCpuSeconds();
    // As process-episode runs it with the default options (leveler on, high-pass, edge trimming,
    // no pause shortening, no noise reduction), stereo 128k.
    const measured = await media.analyseRecording(files.main, { channels: Math.min(2, info.channels) as 1 | 2, durationSeconds: info.durationSeconds });
    const plan = media.planLeveling(measured.analysis, { targetLufs: target });
    const t2 = Date.now();
    const introSeconds = introInfo.kind === "audio" ? introInfo.durationSeconds : 10;
    const master = await media.masterEpisode({
      recording: { path: files.main, durationSeconds: measured.durationSeconds, loudness: measured.loudness, channels: info.channels },
      leveling: plan.applied ? { gainDeciDb: plan.gainDeciDb } : undefined,
      channels: 2,
      bitrateKbps: 128,
      cleanUp: { highPassHz: 80, noiseReduction: false, trimSilence: true, maxPauseSeconds: null },
      intro: { path: files.intro, durationSeconds: introSeconds },
      outro: { path: files.outro, durationSeconds: outroInfo.kind === "audio" ? outroInfo.durationSeconds : 10 },
      crossfadeSeconds: 1,
      target: { integratedLufs: target, truePeakDbtp: ceiling },
      workDir: work,
      outputPath: path.join(work, "episode.mp3"),
      opus: { outputPath: path.join(work, "episode.opus") },
      tags: {
        title: "Benchmark",
        album: "PodcastPro",
        genre: "Podcast",
        cover: { mimeType: "image/png", data: await fsp.readFile(files.cover) },
        chapters: CHAPTERS.map((c) => ({ ...c, startSeconds: c.startSeconds + introSeconds - 1 })),
      },
    });
    const t3 = Date.now();
    const pipelineFfmpegCpu = childrenCpuSeconds() - cpu1;
    const pipelineNodeCpu = ownCpuSeconds() - own1;
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    // The listener's figures, outside the timed part: turns mapped through the edge trim and the intro.
    const { listenerFigures, meter } = await import("../lib/media/listener-meter");
    const toOutput = (t: number) => introSeconds - 1 + media.mapTimeThroughCuts(t, master.cuts);
    const input = meter(files.main);
    const listener = listenerFigures(input, master.outputPath, files.truth, toOutput);
    const ref = meter(path.join(work, "reference.mp3"));
    const opus = meter(master.opus!.outputPath);
    const refTurns = listenerFigures(input, ref, files.truth, 10);
    const figures: Figures = {
      label,
      ffmpeg,
      referenceCpu,
      pipelineFfmpegCpu,
      pipelineNodeCpu,
      processCpu: master.cpuSeconds,
      inspectMs,
      pipelineMs: t3 - t1,
      stages: { "measure (first pass)": t2 - t1, "clean up + normalise + assemble + encode + verify + waveform": t3 - t2 },
      referenceMs,
      rssGrowthMb: (rssPeak - rss0) / 2 ** 20,
      ffmpegPeakMb: master.ffmpegPeakRssBytes / 2 ** 20,
      mode: master.normalisation.mode,
      encodes: master.encodes,
      leveler: plan.applied ? "applied" : plan.reason,
      listener,
      referenceListener: { integrated: ref.integrated, truePeak: ref.truePeak, lra: ref.lra, spreadLu: refTurns.output.spreadLu },
      opus: { integrated: opus.integrated, truePeak: opus.truePeak, sizeMb: master.opus!.sizeBytes / 2 ** 20, mp3SizeMb: master.sizeBytes / 2 ** 20 },
      inputLufs: measured.loudness.integratedLufs,
      outputLufs: master.output.integratedLufs,
      outputTp: master.output.truePeakDbtp,
      silenceRemoved: master.silenceRemovedSeconds,
      outputSeconds: master.durationSeconds,
    };
    console.log(JSON.stringify(figures));
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

function runChild(label: string, env: NodeJS.ProcessEnv): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, "--expose-gc", __filename, "--child", label, "--minutes", String(minutes)], {
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (c: string) => {
      out += c;
      process.stdout.write(c.split("\n").filter((l) => !l.startsWith("{")).join("\n"));
    });
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !last.startsWith("{")) return reject(new Error(`${label} run failed (exit ${code})`));
      resolve(JSON.parse(last) as Figures);
    });
  });
}

function print(f: Figures): void {
  const secs = minutes * 60 + 20;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const rt = (ms: number) => `${(secs / (ms / 1000)).toFixed(1)}x realtime`;
  console.log(`\n== ${f.label}: ${f.ffmpeg}`);
  console.log(`  inspect (probe + full decode of ${minutes} min WAV): ${s(f.inspectMs)}`);
  for (const [k, v] of Object.entries(f.stages)) console.log(`  ${k}: ${s(v)}`);
  console.log(`  pipeline:  ${s(f.pipelineMs)} (${rt(f.pipelineMs)})`);
  console.log(`  reference: ${s(f.referenceMs)} (${rt(f.referenceMs)})`);
  console.log(`  ratio pipeline/reference: ${(f.pipelineMs / f.referenceMs).toFixed(2)} (target <= 0.7)`);
  const cpu = f.pipelineFfmpegCpu + f.pipelineNodeCpu;
  console.log(
    `  CPU: pipeline ${cpu.toFixed(1)} s (ffmpeg ${f.pipelineFfmpegCpu.toFixed(1)} + node ${f.pipelineNodeCpu.toFixed(1)}), reference ${f.referenceCpu.toFixed(1)} s, ratio ${(cpu / f.referenceCpu).toFixed(2)}; load average ${os.loadavg()[0]!.toFixed(1)}`,
  );
  console.log(`  CPU by process of the main pass: ${Object.entries(f.processCpu).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ")}`);
  console.log(`  node RSS growth: ${f.rssGrowthMb.toFixed(1)} MB (target < 150); largest ffmpeg child: ${f.ffmpegPeakMb.toFixed(0)} MB`);
  console.log(
    `  mode ${f.mode} (leveler ${f.leveler}), ${f.encodes} encode(s); in ${f.inputLufs} LUFS -> out ${f.outputLufs} LUFS, ${f.outputTp} dBTP; ${f.silenceRemoved} s silence removed; ${f.outputSeconds} s out`,
  );
  const l = f.listener;
  const n = (x: number) => x.toFixed(1);
  console.log(
    `  listener (ebur128 on input and output): integrated ${n(l.input.integrated)} -> ${n(l.output.integrated)} LUFS (target -16 ±0.5), true peak ${n(l.input.truePeak)} -> ${n(l.output.truePeak)} dBTP (<= -1), LRA ${n(l.input.lra)} -> ${n(l.output.lra)} LU (<= 6)`,
  );
  console.log(
    `  speech turns: spread p5-p95 ${n(l.input.spreadLu)} -> ${n(l.output.spreadLu)} LU (<= 4), worst turn ${n(l.worstTurnLu)} LU from the median (<= 3), speakers vs the rest ${l.speakerOffsetLu.map(n).join(" / ")} LU (<= 2), 8 s pause noise ${n(l.pauseNoiseRiseBeyondSpeechDb)} dB beyond the speech gain (<= 6)`,
  );
  const o = f.opus;
  console.log(
    `  Opus rendition: ${n(o.integrated)} LUFS (MP3 ${n(l.output.integrated)}, difference ${(o.integrated - l.output.integrated).toFixed(2)} LU, <= 0.5), true peak ${n(o.truePeak)} dBTP; ${o.sizeMb.toFixed(1)} MB (MP3 ${o.mp3SizeMb.toFixed(1)} MB)`,
  );
  const r = f.referenceListener;
  console.log(`  reference output: ${n(r.integrated)} LUFS, ${n(r.truePeak)} dBTP, LRA ${n(r.lra)} LU, speech turns spread ${n(r.spreadLu)} LU`);
}

/** Where the listener's figures miss the issue's marks (empty when all hold). */
function misses(f: Figures): string[] {
  const l = f.listener;
  const out: string[] = [];
  if (Math.abs(l.output.integrated - -16) > 0.5) out.push("integrated");
  if (l.output.truePeak > -1) out.push("true peak");
  if (l.output.lra > 6) out.push("LRA");
  if (l.output.spreadLu > 4) out.push("turn spread");
  if (l.worstTurnLu > 3) out.push("worst turn");
  if (l.speakerOffsetLu.some((x) => x > 2)) out.push("speaker offset");
  if (!(l.pauseNoiseRiseBeyondSpeechDb <= 6)) out.push("pause noise");
  if (Math.abs(f.opus.integrated - l.output.integrated) > 0.5) out.push("Opus loudness");
  return out;
}

async function main(): Promise<void> {
  const child = args.indexOf("--child");
  if (child >= 0) return measureOne(args[child + 1]!);
  await ensureFixtures();
  const only = arg("only");
  const results: Figures[] = [];
  const base = { ...process.env };
  delete base.FFMPEG_PATH;
  if (only !== "system") results.push(await runChild("bundled ffmpeg", base));
  if (only !== "bundled" && fs.existsSync(SYSTEM_FFMPEG)) {
    results.push(await runChild("system ffmpeg", { ...base, FFMPEG_PATH: SYSTEM_FFMPEG }));
  }
  results.forEach(print);
  for (const f of results) {
    const m = misses(f);
    if (m.length) console.log(`\n${f.label}: misses ${m.join(", ")}`);
  }
  const failed = results.filter((f) => f.pipelineMs > 0.7 * f.referenceMs || f.rssGrowthMb >= 150 || misses(f).length);
  if (failed.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
