import fsp from "node:fs/promises";
import { COMMON_ARGS, startTool, timeoutFor, userInput } from "./ffmpeg";

/**
 * Min/max peaks for the player, in the audiowaveform JSON format peaks.js reads
 * (version 2, 8-bit, one channel). Built from a mono 16-bit stream in fixed 10 ms buckets, then
 * merged to the requested width at the end, so the total length need not be known up front and
 * memory stays at ~1.4 MB per hour.
 */
export type WaveformJson = {
  version: 2;
  channels: 1;
  sample_rate: number;
  samples_per_pixel: number;
  bits: 8;
  length: number;
  /** min, max, min, max… in −128…127. */
  data: number[];
};

export class WaveformBuilder {
  private readonly bucket: number;
  private mins: number[] = [];
  private maxs: number[] = [];
  private curMin = 0;
  private curMax = 0;
  private inBucket = 0;
  private carry: Buffer | undefined;
  private samples = 0;

  constructor(private readonly sampleRate: number) {
    this.bucket = Math.round(sampleRate / 100);
  }

  get durationSeconds(): number {
    return this.samples / this.sampleRate;
  }

  /** Feeds s16le mono bytes (any chunking). */
  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    const usable = buf.length - (buf.length % 2);
    // An aligned copy read as Int16Array is several times faster than readInt16LE per sample.
    const samples = new Int16Array(usable / 2);
    Buffer.from(samples.buffer).set(buf.subarray(0, usable));
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i]!;
      if (this.inBucket === 0) {
        this.curMin = v;
        this.curMax = v;
      } else {
        if (v < this.curMin) this.curMin = v;
        if (v > this.curMax) this.curMax = v;
      }
      if (++this.inBucket === this.bucket) this.closeBucket();
    }
    this.samples += usable / 2;
    if (usable < buf.length) this.carry = Buffer.from(buf.subarray(usable));
  }

  private closeBucket(): void {
    this.mins.push(this.curMin);
    this.maxs.push(this.curMax);
    this.inBucket = 0;
  }

  /** At most `points` min/max pairs. */
  toJson(points: number): WaveformJson {
    if (this.inBucket > 0) this.closeBucket();
    const k = Math.max(1, Math.ceil(this.mins.length / Math.max(1, points)));
    const data: number[] = [];
    for (let i = 0; i < this.mins.length; i += k) {
      let lo = 0;
      let hi = 0;
      for (let j = i; j < Math.min(i + k, this.mins.length); j++) {
        lo = Math.min(lo, this.mins[j]!);
        hi = Math.max(hi, this.maxs[j]!);
      }
      data.push(Math.max(-128, Math.round(lo / 256)), Math.min(127, Math.round(hi / 256)));
    }
    return {
      version: 2,
      channels: 1,
      sample_rate: this.sampleRate,
      samples_per_pixel: this.bucket * k,
      bits: 8,
      length: data.length / 2,
      data,
    };
  }
}

/**
 * Waveform of any audio file on its own (the mastering step already makes one for its output;
 * this is for previews of uploads). Writes the JSON to `outputPath`.
 */
export async function computeWaveform(
  file: string,
  outputPath: string,
  opts: { points?: number; durationSeconds?: number; signal?: AbortSignal } = {},
): Promise<{ waveformPath: string; length: number; durationSeconds: number }> {
  const rate = 8000; // enough for a drawing, and 5x less to scan than 44.1 kHz
  const proc = startTool(
    "ffmpeg",
    [...COMMON_ARGS, "-v", "error", ...userInput(file), "-map", "0:a:0", "-ac", "1", "-ar", String(rate), "-f", "s16le", "pipe:1"],
    { stdout: "pipe", timeoutMs: timeoutFor(opts.durationSeconds ?? 3600), signal: opts.signal, label: "waveform" },
  );
  const builder = new WaveformBuilder(rate);
  for await (const chunk of proc.stdout! as AsyncIterable<Buffer>) builder.push(chunk);
  await proc.done;
  const json = builder.toJson(opts.points ?? 1500);
  await fsp.writeFile(`${outputPath}.partial`, JSON.stringify(json));
  await fsp.rename(`${outputPath}.partial`, outputPath);
  return { waveformPath: outputPath, length: json.length, durationSeconds: builder.durationSeconds };
}
