import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { MediaError } from "./errors";
import { COMMON_ARGS, runTool, startTool, timeoutFor, userInput, type ProgressCallback } from "./ffmpeg";

export type AudioInfo = {
  kind: "audio";
  mimeType: string;
  /** ffmpeg's codec name: pcm_s16le, mp3, aac, flac, opus, vorbis, alac… */
  codec: string;
  sampleRate: number;
  channels: number;
  /** Seconds actually decoded, not what the header claims. */
  durationSeconds: number;
};

export type ImageInfo = { kind: "image"; mimeType: "image/jpeg" | "image/png"; width: number; height: number };

export type MediaInfo = AudioInfo | ImageInfo;

export type InspectOptions = {
  /** Refuse longer audio (default MAX_AUDIO_SECONDS, 6 hours). Decoding stops just past it, so a lying header costs little. */
  maxDurationSeconds?: number;
  /**
   * Refuse audio that decodes to more raw PCM than this (default MAX_DECODED_BYTES), counted as
   * 32-bit float samples × channels × rate: the size of processing's work files. Caps what a
   * small, highly compressed file (8 channels at 384 kHz, hours of digital silence) may expand to.
   */
  maxDecodedBytes?: number;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
};

type ProbeStream = {
  codec_type?: string;
  codec_name?: string;
  sample_rate?: string;
  channels?: number;
  width?: number;
  height?: number;
  duration?: string;
  disposition?: { attached_pic?: number };
};
type ProbeResult = { streams?: ProbeStream[]; format?: { format_name?: string; duration?: string } };

export const ACCEPTED_AUDIO = "WAV, MP3, M4A/AAC, FLAC, Ogg/Opus or AIFF";

/** Container (ffprobe format_name) → MIME type. */
function audioMime(format: string, codec: string): string | undefined {
  if (format === "wav") return "audio/wav";
  if (format === "mp3") return "audio/mpeg";
  if (format.startsWith("mov,")) return "audio/mp4";
  if (format === "aac") return "audio/aac";
  if (format === "flac") return "audio/flac";
  if (format === "ogg") return codec === "opus" ? "audio/ogg; codecs=opus" : "audio/ogg";
  if (format === "aiff") return "audio/aiff";
  return undefined;
}

const AUDIO_CODECS = /^(pcm_[a-z0-9]+|mp3|mp2|aac|alac|flac|opus|vorbis)$/;

/**
 * Runs the probe and the decode on a link named without an extension, so ffmpeg's format guess
 * rests on the bytes alone (it otherwise scores the extension too: random bytes named .mp3).
 */
async function withNeutralName<T>(file: string, fn: (link: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pp-inspect-"));
  const link = path.join(dir, "input");
  try {
    await fs.symlink(path.resolve(file), link);
    return await fn(link);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** ffprobe writes JSON on stdout: collect it (bounded) rather than the log. */
async function probeJson(link: string, signal?: AbortSignal): Promise<ProbeResult> {
  const args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams"];
  // ffprobe takes the input as a bare argument, not after -i.
  const input = userInput(link);
  args.push(...input.slice(0, 4), input[5]!);
  const proc = startTool("ffprobe", args, {
    timeoutMs: 30_000,
    memoryLimitBytes: 256 * 1024 * 1024,
    label: "probe",
    signal,
    stdout: "pipe",
  });
  let json = "";
  proc.stdout!.setEncoding("utf8");
  proc.stdout!.on("data", (c: string) => {
    if (json.length < 1_000_000) json += c;
  });
  try {
    await proc.done;
  } catch (err) {
    if (err instanceof MediaError && err.code !== "failed") throw err;
    const detail = err instanceof MediaError ? err.detail : String(err);
    throw new MediaError("unsupported", `This file is not a supported audio or image format (${ACCEPTED_AUDIO}, JPEG or PNG).`, detail);
  }
  try {
    return JSON.parse(json) as ProbeResult;
  } catch {
    throw new MediaError("unsupported", `This file is not a supported audio or image format (${ACCEPTED_AUDIO}, JPEG or PNG).`, "unreadable ffprobe output");
  }
}

async function inspectImage(link: string, format: string, stream: ProbeStream | undefined, signal?: AbortSignal): Promise<ImageInfo> {
  const mimeType = format === "png_pipe" ? "image/png" : "image/jpeg";
  const width = stream?.width ?? 0;
  const height = stream?.height ?? 0;
  if (!stream || width <= 0 || height <= 0 || width * height > 100_000_000) {
    throw new MediaError("corrupt", "This image could not be read.", `${format} ${width}x${height}`);
  }
  // Decode it once: a header alone proves nothing. One frame of a still image is cheap.
  const { log } = await runTool("ffmpeg", [...COMMON_ARGS, "-v", "error", ...userInput(link), "-frames:v", "1", "-f", "null", "-"], {
    timeoutMs: 30_000,
    memoryLimitBytes: 512 * 1024 * 1024,
    label: "decode image",
    signal,
  }).catch((err) => {
    if (err instanceof MediaError && err.code === "failed") throw new MediaError("corrupt", "This image could not be read.", err.detail);
    throw err;
  });
  if (/error|invalid|corrupt/i.test(log)) throw new MediaError("corrupt", "This image is damaged and could not be read.", log.slice(0, 500));
  return { kind: "image", mimeType, width, height };
}

/**
 * What a file really is, decided by its content: accepted audio (decoded to the end, so a
 * truncated or damaged file is refused and the duration is the real one) or a JPEG/PNG image.
 * Anything else throws a MediaError whose `reason` can be shown to the user.
 * Cost: one ffprobe plus one full decode to a null sink (no filters, no encode).
 */
export async function inspectMedia(file: string, opts: InspectOptions = {}): Promise<MediaInfo> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile()) throw new MediaError("unsupported", "The file could not be found.");
  if (stat.size === 0) throw new MediaError("empty", "The file is empty.");
  const env = getEnv();
  const maxDuration = opts.maxDurationSeconds ?? env.MAX_AUDIO_SECONDS;
  const maxDecodedBytes = opts.maxDecodedBytes ?? env.MAX_DECODED_BYTES;

  return withNeutralName(file, async (link) => {
    const info = await probeJson(link, opts.signal);
    const format = info.format?.format_name ?? "";
    const streams = info.streams ?? [];
    if (format === "jpeg_pipe" || format === "png_pipe") {
      return inspectImage(link, format, streams.find((s) => s.codec_type === "video"), opts.signal);
    }
    const audio = streams.find((s) => s.codec_type === "audio");
    const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
    if (video) throw new MediaError("unsupported", `Video files are not accepted: upload ${ACCEPTED_AUDIO} audio.`, format);
    if (!audio) throw new MediaError("no_audio", "This file contains no audio.", format);
    const codec = audio.codec_name ?? "";
    const mimeType = audioMime(format, codec);
    if (!mimeType || !AUDIO_CODECS.test(codec)) {
      throw new MediaError("unsupported", `This audio format is not supported: upload ${ACCEPTED_AUDIO}.`, `${format}/${codec}`);
    }
    const sampleRate = Number(audio.sample_rate ?? 0);
    const channels = audio.channels ?? 0;
    if (!(sampleRate >= 8000 && sampleRate <= 384_000) || channels < 1 || channels > 8) {
      throw new MediaError("corrupt", "This audio file's header is damaged.", `rate ${sampleRate}, channels ${channels}`);
    }
    // ffprobe clamps a WAV's duration to the bytes present, so read what the header promised.
    const headerSeconds = format === "wav" ? await wavDeclaredSeconds(file) ?? Number(audio.duration ?? NaN) : Number(audio.duration ?? info.format?.duration ?? NaN);

    // The tighter of the two limits, in seconds of this stream.
    const decodedCapSeconds = maxDecodedBytes / (sampleRate * channels * 4);
    const cap = Math.min(maxDuration, decodedCapSeconds);
    // Decode the first audio stream to nothing, stopping just past the limit. -progress gives the
    // real decoded length; -v error leaves only decoder complaints in the log.
    const limit = cap + 1;
    const run = await runTool(
      "ffmpeg",
      [...COMMON_ARGS, "-v", "error", "-progress", "pipe:2", ...userInput(link), "-map", "0:a:0", "-t", String(limit), "-f", "null", "-"],
      {
        timeoutMs: timeoutFor(Math.min(Number.isFinite(headerSeconds) ? headerSeconds : cap, cap) / 4),
        memoryLimitBytes: 512 * 1024 * 1024,
        expectedSeconds: Number.isFinite(headerSeconds) && headerSeconds > 0 ? Math.min(headerSeconds, limit) : undefined,
        onProgress: opts.onProgress,
        label: "decode audio",
        signal: opts.signal,
      },
    ).catch((err) => {
      if (err instanceof MediaError && err.code === "failed") {
        throw new MediaError("corrupt", "This audio file is damaged and could not be decoded.", err.detail);
      }
      throw err;
    });
    const decoded = run.outSeconds;
    const errors = run.log.split("\n").filter((l) => l.trim() !== "");
    if (decoded > cap && decodedCapSeconds < maxDuration) {
      throw new MediaError(
        "too_large",
        `This recording is too large to process: ${channels} channel(s) at ${sampleRate} Hz may last at most ${formatTime(decodedCapSeconds)} ` +
          `(the server's limit is ${formatBytes(maxDecodedBytes)} of decoded audio). Export it with fewer channels or a lower sample rate.`,
        `decoded past ${decodedCapSeconds} s`,
      );
    }
    if (decoded > cap) {
      throw new MediaError("too_long", `This recording is longer than the limit of ${formatLimit(maxDuration)}.`);
    }
    if (decoded < 0.05) throw new MediaError("empty", "This audio file has no sound in it (zero length).", errors.slice(0, 3).join(" | "));
    // A header that promises more than decodes means the file was cut off (a partial upload or copy).
    if (Number.isFinite(headerSeconds) && headerSeconds - decoded > Math.max(0.5, headerSeconds * 0.01)) {
      throw new MediaError(
        "corrupt",
        `This audio file is incomplete: it stops after ${formatTime(decoded)} of ${formatTime(headerSeconds)}.`,
        errors.slice(0, 3).join(" | "),
      );
    }
    // Ogg states its length in its last page, so a cut-off file looks complete: its last page then
    // lacks the end-of-stream flag or is itself cut short.
    if (format === "ogg" && !(await oggEndsCleanly(file))) {
      throw new MediaError("corrupt", "This audio file is incomplete: it was cut off before its end.", "ogg: no complete end-of-stream page");
    }
    // A stray bad frame is common in real MP3s and inaudible; a stream of errors is damage.
    if (errors.length >= 3 || (errors.length > 0 && decoded < 1)) {
      throw new MediaError("corrupt", "This audio file is damaged and could not be decoded cleanly.", errors.slice(0, 3).join(" | "));
    }
    return { kind: "audio", mimeType, codec, sampleRate, channels, durationSeconds: Math.round(decoded * 1000) / 1000 };
  });
}

/** True when an Ogg file's last page is complete and flagged end-of-stream. */
async function oggEndsCleanly(file: string): Promise<boolean> {
  const fh = await fs.open(file, "r");
  try {
    const { size } = await fh.stat();
    const length = Math.min(size, 70_000); // a page is at most 65,307 bytes
    const tail = Buffer.alloc(length);
    await fh.read(tail, 0, length, size - length);
    for (let at = tail.lastIndexOf("OggS"); at >= 0; at = at > 0 ? tail.lastIndexOf("OggS", at - 1) : -1) {
      if (at + 27 > length) continue;
      const segments = tail[at + 26]!;
      if (at + 27 + segments > length) continue;
      let body = 0;
      for (let i = 0; i < segments; i++) body += tail[at + 27 + i]!;
      // The last real page ends exactly at the end of the file ("OggS" may also occur inside a payload).
      if (at + 27 + segments + body === length) return (tail[at + 5]! & 0x04) !== 0;
    }
    return false;
  } finally {
    await fh.close();
  }
}

/** Seconds a PCM WAV's fmt/data chunks declare, or undefined (streamed/RF64 placeholders, odd layouts). */
async function wavDeclaredSeconds(file: string): Promise<number | undefined> {
  const fh = await fs.open(file, "r");
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    if (head.toString("ascii", 0, 4) !== "RIFF" || head.toString("ascii", 8, 12) !== "WAVE") return undefined;
    let byteRate = 0;
    for (let at = 12; at + 8 <= bytesRead; ) {
      const id = head.toString("ascii", at, at + 4);
      const size = head.readUInt32LE(at + 4);
      if (id === "fmt " && at + 16 <= bytesRead) byteRate = head.readUInt32LE(at + 16);
      if (id === "data") {
        if (!byteRate || size === 0 || size === 0xffffffff) return undefined;
        return size / byteRate;
      }
      at += 8 + size + (size & 1);
    }
    return undefined;
  } finally {
    await fh.close();
  }
}

function formatTime(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${r}` : `${m}:${r}`;
}

/** "6 hours", "90 minutes", "30 seconds": a duration limit in words. */
function formatLimit(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} minutes`;
  return `${+seconds.toFixed(1)} seconds`;
}

function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${+(n / 1024 ** 3).toFixed(2)} GiB` : `${+(n / 1024 ** 2).toFixed(1)} MiB`;
}
