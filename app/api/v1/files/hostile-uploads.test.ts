import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnv, resetEnvForTests } from "@/lib/env";
import { call } from "@/tests/api-client";
import { makeFixtureDir, noiseBytes } from "@/tests/media-fixtures";
import * as tokensRoute from "../tokens/route";
import * as usersRoute from "../users/route";
import * as filesRoute from "./route";

/**
 * A corpus of hostile and broken files, all generated here (nothing is committed), sent through
 * POST /api/v1/files. Each must get a clear 4xx JSON error and leave nothing in storage or
 * scratch space; none may make ffmpeg open another file or a socket. Two traps prove the last
 * point: a loopback TCP server that must see no connection, and a named pipe (FIFO) that must
 * never be opened for reading (opening a FIFO is visible to the writer side).
 */
const fx = makeFixtureDir();
const ffmpeg = (args: string[], out: string) => {
  const file = path.join(fx.dir, out);
  execFileSync(ffmpegInstaller.path, ["-hide_banner", "-loglevel", "error", "-y", ...args, file]);
  return file;
};
const read = (file: string) => fs.readFileSync(file);
const sine = (seconds: number) => ["-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}:sample_rate=44100`];

let connections = 0;
let trap: net.Server;
let trapUrl = "";
const fifo = path.join(fx.dir, "canary.fifo");
let fifoOpened = false;
let fifoWatch: NodeJS.Timeout;

beforeAll(async () => {
  trap = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => trap.listen(0, "127.0.0.1", resolve));
  trapUrl = `http://127.0.0.1:${(trap.address() as net.AddressInfo).port}`;
  execFileSync("mkfifo", [fifo]);
  // Opening the write end without blocking succeeds only while someone holds the read end open.
  fifoWatch = setInterval(() => {
    try {
      const fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
      fifoOpened = true;
      fs.closeSync(fd);
    } catch {
      // ENXIO: no reader, as it should be
    }
  }, 5);
});

afterAll(async () => {
  clearInterval(fifoWatch);
  await new Promise((resolve) => trap.close(resolve));
  fx.cleanup();
});

let seq = 0;
async function token() {
  const email = `hostile-${Date.now()}-${seq++}@example.com`;
  await call(usersRoute.POST, { method: "POST", json: { name: "H", email, password: "long enough pw" } });
  return (await call(tokensRoute.POST, { method: "POST", json: { email, password: "long enough pw" } })).body.token as string;
}

async function upload(tok: string, content: Buffer, name: string) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(content)]), name);
  const req = new Request("http://localhost/api/v1/files", { method: "POST", body: form, headers: { authorization: `Bearer ${tok}` } });
  const res = await filesRoute.POST(req, { params: Promise.resolve({}) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", text, body: JSON.parse(text) };
}

/** Every file under DATA_DIR's storage and scratch space. */
function storedFiles() {
  const walk = (dir: string): string[] =>
    fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])) : [];
  return [...walk(path.join(getEnv().dataDir, "media")), ...walk(path.join(getEnv().dataDir, "tmp"))].sort();
}

function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  Object.assign(process.env, vars);
  resetEnvForTests();
  return fn().finally(() => {
    for (const key of Object.keys(vars)) delete process.env[key];
    resetEnvForTests();
  });
}

function wavHeader(o: { rate?: number; channels?: number; dataBytes: number; bits?: number }) {
  const rate = o.rate ?? 44100, channels = o.channels ?? 1, bits = o.bits ?? 16;
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(Math.min(0xffffffff, 36 + o.dataBytes), 4);
  h.write("WAVEfmt ", 8, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(Math.min(0xffffffff, (rate * channels * bits) / 8), 28);
  h.writeUInt16LE(Math.min(0xffff, (channels * bits) / 8), 32);
  h.writeUInt16LE(bits, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(o.dataBytes, 40);
  return h;
}

/** Sets the 32-bit duration of every mvhd/mdhd box (version 0) of an MP4 to an absurd value. */
function absurdMp4Duration(mp4: Buffer) {
  const out = Buffer.from(mp4);
  for (const box of ["mvhd", "mdhd"]) {
    for (let at = out.indexOf(box); at >= 0; at = out.indexOf(box, at + 4)) {
      if (out[at + 4] === 0) out.writeUInt32BE(0x7fffffff, at + 4 + 16);
    }
  }
  return out;
}

function pngChunk(type: string, data: Buffer) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4); // wrong on purpose for IDAT-garbage; decoders check CRC loosely
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function crc32(buf: Buffer) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

type Case = { name: string; filename: string; content: () => Buffer; status: number[] };

function corpus(): Case[] {
  const wav10 = read(ffmpeg(sine(10), "ten.wav"));
  const mp3 = read(ffmpeg([...sine(10), "-c:a", "libmp3lame", "-b:a", "64k"], "ten.mp3"));
  const m4aEnd = read(ffmpeg([...sine(10), "-c:a", "aac"], "ten-moov-end.m4a"));
  const m4aStart = read(ffmpeg([...sine(10), "-c:a", "aac", "-movflags", "+faststart"], "ten-moov-start.m4a"));
  const flac = read(ffmpeg(sine(10), "ten.flac"));
  const ogg = read(ffmpeg([...sine(10), "-c:a", "libopus"], "ten.opus.ogg"));
  const vorbis = read(ffmpeg([...sine(10), "-c:a", "libvorbis"], "ten.vorbis.ogg"));
  const aiff = read(ffmpeg(sine(10), "ten.aiff"));
  const png = read(ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1"], "small.png"));
  const gif = read(ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1"], "img.gif"));
  const bmp = read(ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1"], "img.bmp"));
  const video = read(ffmpeg(["-f", "lavfi", "-i", "testsrc=d=2:s=64x64", "-c:v", "mpeg4"], "video-only.mp4"));
  const subtitlesOnly = (() => {
    const srt = path.join(fx.dir, "subs.srt");
    fs.writeFileSync(srt, "1\n00:00:00,000 --> 00:00:01,000\nhello\n");
    return read(ffmpeg(["-i", srt, "-c:s", "mov_text"], "subs-only.m4a"));
  })();
  const zeroSecondMp3 = read(ffmpeg([...sine(1), "-t", "0", "-c:a", "libmp3lame"], "zero.mp3"));
  const cut = (b: Buffer, fraction: number) => b.subarray(0, Math.floor(b.length * fraction));
  const pngHeader = png.subarray(0, 33); // signature + IHDR
  const playlistTargets = ["/etc/passwd", fifo, `${trapUrl}/x.mp3`];

  const text = (s: string) => () => Buffer.from(s);
  return [
    { name: "random bytes named .mp3", filename: "noise.mp3", content: () => noiseBytes(64_000, 7), status: [415] },
    { name: "random bytes named .wav", filename: "noise.wav", content: () => noiseBytes(64_000, 8), status: [415] },
    { name: "zero bytes", filename: "empty.mp3", content: () => Buffer.alloc(0), status: [422] },
    { name: "a single byte", filename: "one.wav", content: () => Buffer.from([0x52]), status: [415] },
    { name: "truncated MP3 (30 %)", filename: "cut.mp3", content: () => cut(mp3, 0.3), status: [422] },
    { name: "truncated WAV (30 %)", filename: "cut.wav", content: () => cut(wav10, 0.3), status: [422] },
    { name: "truncated M4A (moov at the end)", filename: "cut-end.m4a", content: () => cut(m4aEnd, 0.5), status: [415] },
    { name: "truncated M4A (moov first)", filename: "cut-start.m4a", content: () => cut(m4aStart, 0.4), status: [422] },
    { name: "truncated FLAC", filename: "cut.flac", content: () => cut(flac, 0.3), status: [422] },
    { name: "truncated Ogg/Opus", filename: "cut.opus", content: () => cut(ogg, 0.3), status: [422] },
    { name: "truncated Ogg/Vorbis", filename: "cut.ogg", content: () => cut(vorbis, 0.3), status: [422] },
    { name: "truncated AIFF", filename: "cut.aiff", content: () => cut(aiff, 0.3), status: [422] },
    { name: "WAV header only", filename: "header.wav", content: () => wav10.subarray(0, 44), status: [415, 422] },
    { name: "WAV header claiming 4 GB", filename: "huge.wav", content: () => Buffer.concat([wavHeader({ dataBytes: 0xfffffff0 }), wav10.subarray(44, 44 + 88_200)]), status: [422] },
    { name: "WAV claiming 65535 channels", filename: "channels.wav", content: () => Buffer.concat([wavHeader({ channels: 65535, dataBytes: 88_200 }), Buffer.alloc(88_200)]), status: [415, 422] },
    { name: "WAV claiming a 4 GHz sample rate", filename: "rate.wav", content: () => Buffer.concat([wavHeader({ rate: 4_000_000_000, dataBytes: 88_200 }), Buffer.alloc(88_200)]), status: [415, 422] },
    { name: "0-second WAV", filename: "zero.wav", content: () => wavHeader({ dataBytes: 0 }), status: [422] },
    { name: "0-second MP3", filename: "zero-length.mp3", content: () => zeroSecondMp3, status: [415, 422] },
    { name: "video only, no audio stream", filename: "video.m4a", content: () => video, status: [415] },
    { name: "MP4 with only a subtitle stream", filename: "subtitles.m4a", content: () => subtitlesOnly, status: [415, 422] },
    { name: "text file named .wav", filename: "notes.wav", content: text("just some text, not audio\n".repeat(200)), status: [415] },
    { name: "HTML named .mp3", filename: "page.mp3", content: text("<!doctype html><html><body><audio src='/etc/passwd'></audio></body></html>"), status: [415] },
    { name: "M3U playlist named .mp3 (file, FIFO, URL)", filename: "list.mp3", content: text(`#EXTM3U\n#EXTINF:10,x\n${playlistTargets.join("\n#EXTINF:10,x\n")}\n`), status: [415] },
    { name: "M3U with file: URLs named .wav", filename: "list.wav", content: text(`file:///etc/passwd\nfile://${fifo}\n`), status: [415] },
    { name: "PLS playlist named .mp3", filename: "list.pls.mp3", content: text(`[playlist]\nFile1=${trapUrl}/a.mp3\nFile2=${fifo}\nFile3=/etc/passwd\nNumberOfEntries=3\nVersion=2\n`), status: [415] },
    { name: "ffconcat list pointing at /etc/passwd", filename: "concat.wav", content: text("ffconcat version 1.0\nfile /etc/passwd\n"), status: [415] },
    { name: "ffconcat list pointing at a FIFO and a URL", filename: "concat.mp3", content: text(`ffconcat version 1.0\nfile '${fifo}'\nfile '${trapUrl}/b.wav'\n`), status: [415] },
    { name: "HLS playlist named .m4a", filename: "stream.m4a", content: text(`#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n${trapUrl}/seg0.ts\n#EXTINF:10.0,\nfile://${fifo}\n#EXT-X-ENDLIST\n`), status: [415] },
    { name: "HLS master playlist named .mp3", filename: "master.mp3", content: text(`#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=64000\n${trapUrl}/variant.m3u8\n`), status: [415] },
    { name: "SDP file pointing at loopback", filename: "session.wav", content: text(`v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio ${trapUrl.split(":").pop()} RTP/AVP 0\n`), status: [415] },
    { name: "GIF renamed .wav", filename: "image.wav", content: () => gif, status: [415] },
    { name: "BMP renamed .mp3", filename: "image.mp3", content: () => bmp, status: [415] },
    { name: "GIF", filename: "anim.gif", content: () => gif, status: [415] },
    { name: "SVG with external references", filename: "cover.svg", content: text(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="file:///etc/passwd"/><image xlink:href="${trapUrl}/x.png"/></svg>`), status: [415] },
    { name: "SVG renamed .png", filename: "cover.png", content: text(`<svg xmlns="http://www.w3.org/2000/svg" width="1400" height="1400"><rect width="10" height="10"/></svg>`), status: [415] },
    { name: "PNG signature with a non-image payload", filename: "payload.png", content: () => Buffer.concat([pngHeader, pngChunk("IDAT", noiseBytes(5000, 3)), pngChunk("IEND", Buffer.alloc(0))]), status: [415, 422] },
    { name: "PNG header only", filename: "header-only.png", content: () => pngHeader, status: [415, 422] },
    { name: "ID3 tag and nothing else", filename: "tag-only.mp3", content: () => Buffer.concat([Buffer.from("ID3\x03\x00\x00\x00\x00\x00\x0a", "latin1"), Buffer.alloc(10)]), status: [415, 422] },
    { name: "unicode and ../ in the name, random content", filename: "../../Ünïcødé 🎙️ ‮3pm.exe.mp3", content: () => noiseBytes(20_000, 11), status: [415] },
    { name: "NUL byte in the name", filename: "evil\u0000.mp3", content: () => noiseBytes(20_000, 13), status: [400, 415] },
    { name: "name with a protocol prefix", filename: "concat:/etc/passwd|/etc/hosts.wav", content: () => noiseBytes(20_000, 12), status: [415] },
  ];
}

describe("hostile uploads", () => {
  it("answers every bad file with a clear 4xx JSON error, keeps nothing and opens nothing else", async () => {
    const tok = await token();
    const cases = corpus();
    expect(cases.length).toBeGreaterThanOrEqual(30);
    const passwd = fs.readFileSync("/etc/passwd", "utf8").split("\n")[0]!;
    const before = storedFiles();
    const results: string[] = [];
    for (const c of cases) {
      const res = await upload(tok, c.content(), c.filename);
      results.push(`${res.status} ${c.name}: ${res.body.error?.message}`);
      expect.soft(c.status, `${c.name} → ${res.status} ${res.text}`).toContain(res.status);
      expect(res.type).toMatch(/^application\/json/);
      expect(res.body.error?.message?.length ?? 0, c.name).toBeGreaterThan(10);
      expect(res.text).not.toContain(passwd);
      expect(storedFiles(), `${c.name} left files behind`).toEqual(before);
    }
    // Readable evidence for the report (vitest prints it on failure; cheap otherwise).
    expect(results.length).toBe(cases.length);
    // Every ffmpeg of these uploads has exited; a connection one made sits in the trap's backlog
    // until the event loop polls: let it poll (setImmediate runs right after the poll phase).
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    expect(connections, "ffmpeg connected to the loopback trap").toBe(0);
    expect(fifoOpened, "ffmpeg opened the FIFO named in a playlist").toBe(false);
    if (process.env.HOSTILE_REPORT) fs.writeFileSync(process.env.HOSTILE_REPORT, results.join("\n") + "\n");
  }, 180_000);

  it("takes a file for what it is, not what its name says, and keeps the name as metadata only", async () => {
    const tok = await token();
    const png = read(ffmpeg(["-f", "lavfi", "-i", "color=c=blue:s=32x32", "-frames:v", "1"], "real.png"));
    const mp3 = read(ffmpeg([...sine(1), "-c:a", "libmp3lame"], "real.mp3"));
    const wav = read(ffmpeg(sine(1.5), "real.wav"));
    const m4a = read(ffmpeg([...sine(3), "-c:a", "aac", "-movflags", "+faststart"], "real.m4a"));
    const cases = [
      // The header's duration (mvhd/mdhd set to ~13.5 h) is ignored: the decoded length is stored.
      { content: absurdMp4Duration(m4a), name: "forever.m4a", expect: { kind: "audio", mimeType: "audio/mp4" }, display: "forever.m4a" },
      { content: png, name: "image renamed.wav", expect: { kind: "image", mimeType: "image/png" }, display: "image renamed.wav" },
      { content: mp3, name: "song.wav", expect: { kind: "audio", mimeType: "audio/mpeg" }, display: "song.wav" },
      { content: wav, name: "../../../../tmp/evil ünï 🎙️.mp3", expect: { kind: "audio", mimeType: "audio/wav" }, display: "evil ünï 🎙️.mp3" },
    ];
    for (const c of cases) {
      const res = await upload(tok, c.content, c.name);
      expect(res.status, c.name).toBe(201);
      expect(res.body).toMatchObject({ ...c.expect, originalFilename: c.display });
      if (c.name === "forever.m4a") expect(res.body.durationSeconds).toBeCloseTo(3, 0);
      const { db, tables } = await import("@/db");
      const { eq } = await import("drizzle-orm");
      const [row] = await db.select().from(tables.mediaFiles).where(eq(tables.mediaFiles.id, res.body.id));
      // Stored under a generated key; the client's name appears nowhere on disk.
      expect(row!.storageKey).toMatch(/^media\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f-]{36}$/);
      expect(storedFiles().some((f) => f.includes("evil") || f.includes("renamed") || f.includes("song"))).toBe(false);
    }
    expect(fs.existsSync("/tmp/evil ünï 🎙️.mp3")).toBe(false);
  });

  it("refuses audio over the duration limit and the decoded-size limit with 413", async () => {
    const tok = await token();
    const before = storedFiles();
    const long = read(ffmpeg(sine(8), "eight-seconds.flac"));
    const res = await withEnv({ MAX_AUDIO_SECONDS: "5" }, () => upload(tok, long, "long.flac"));
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/longer than the limit of 5 seconds/);
    // 8 channels at 96 kHz: 2 s of silence compress to almost nothing but decode to 6 MiB.
    const wide = read(ffmpeg(["-f", "lavfi", "-i", "anullsrc=r=96000:cl=7.1", "-t", "2"], "wide.flac"));
    expect(wide.length).toBeLessThan(200_000);
    const big = await withEnv({ MAX_DECODED_BYTES: String(4 * 1024 ** 2) }, () => upload(tok, wide, "wide.flac"));
    expect(big.status).toBe(413);
    expect(big.body.error.message).toMatch(/too large to process: 8 channel\(s\) at 96000 Hz/);
    // The same files within the limits are fine.
    expect((await upload(tok, long, "long.flac")).status).toBe(201);
    expect(storedFiles().length).toBe(before.length + 1);
  });

  it("enforces the storage quota before storing and while streaming, with a clear 413", async () => {
    const tok = await token();
    const first = read(ffmpeg(sine(2), "quota-1.wav")); // ~176 kB
    const second = read(ffmpeg(sine(3), "quota-2.wav")); // ~265 kB
    await withEnv({ STORAGE_QUOTA_BYTES: String(first.length + 100_000) }, async () => {
      expect((await upload(tok, first, "first.wav")).status).toBe(201);
      const before = storedFiles();
      // Streaming: the remaining 100 kB is less than the file, so reading stops at the quota.
      const over = await upload(tok, second, "second.wav");
      expect(over.status).toBe(413);
      expect(over.body.error.message).toMatch(/does not fit in your storage quota: .* used, .* left\. Delete files/);
      expect(over.body.error.code).toBe("too_large");
      expect(storedFiles()).toEqual(before);
    });
    // A full quota refuses before reading the body.
    await withEnv({ STORAGE_QUOTA_BYTES: "1000" }, async () => {
      const res = await upload(tok, second, "second.wav");
      expect(res.status).toBe(413);
      expect(res.body.error.message).toMatch(/0 KiB left/);
    });
    // Another user's usage does not count.
    const other = await token();
    await withEnv({ STORAGE_QUOTA_BYTES: String(first.length + 100_000) }, async () => {
      expect((await upload(other, first, "first.wav")).status).toBe(201);
    });
  });

  it("re-checks the quota before storing when another upload landed meanwhile", async () => {
    const { ingestUpload } = await import("@/lib/data/media");
    const { makeUser } = await import("@/tests/factories");
    const user = await makeUser();
    const crypto = await import("node:crypto");
    const make = (seconds: number, name: string) => {
      const file = ffmpeg(sine(seconds), name);
      const data = read(file);
      return { tempPath: file, originalFilename: name, sizeBytes: data.length, sha256: crypto.createHash("sha256").update(data).digest("hex") };
    };
    const a = make(2, "race-a.wav");
    const b = make(2.5, "race-b.wav");
    await withEnv({ STORAGE_QUOTA_BYTES: String(a.sizeBytes + b.sizeBytes - 1) }, async () => {
      // Both passed the streaming check (each fits alone); the second must be refused when it is stored.
      await ingestUpload(user.viewer, a);
      await expect(ingestUpload(user.viewer, b)).rejects.toMatchObject({ code: "too_large" });
      expect(fs.existsSync(b.tempPath)).toBe(false);
    });
  });
});
