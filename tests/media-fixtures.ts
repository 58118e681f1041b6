import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";

/** Small deterministic media files made with the bundled ffmpeg, in a temp dir per test file. */
export function makeFixtureDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-fixtures-"));
  const ffmpeg = (args: string[], out: string) => {
    const file = path.join(dir, out);
    execFileSync(ffmpegInstaller.path, ["-hide_banner", "-loglevel", "error", "-y", ...args, file]);
    return file;
  };
  return {
    dir,
    /** Any file ffmpeg can make: `args` before the output name. */
    ffmpeg,
    /** A sine tone WAV. */
    wav: (name = "tone.wav", seconds = 2, freq = 440) => ffmpeg(["-f", "lavfi", "-i", `sine=frequency=${freq}:duration=${seconds}:sample_rate=44100`], name),
    mp3: (name = "tone.mp3", seconds = 2) => ffmpeg(["-f", "lavfi", "-i", `sine=frequency=330:duration=${seconds}`, "-c:a", "libmp3lame", "-b:a", "64k"], name),
    png: (name = "cover.png", size = 1400) => ffmpeg(["-f", "lavfi", "-i", `color=c=0x336699:s=${size}x${size}`, "-frames:v", "1"], name),
    bytes: (name: string, content: Buffer | string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A deterministic pseudo-random buffer (no crypto randomness: the same bytes every run). */
export function noiseBytes(length: number, seed = 1) {
  const buf = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    buf[i] = x >> 16;
  }
  return buf;
}
