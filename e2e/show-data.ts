import fs from "node:fs";
import zlib from "node:zlib";
import { expect, type APIRequestContext } from "@playwright/test";
import { bearer, type ApiUser } from "./fixtures";

/**
 * Test data made through the REST API, for specs and the README screenshots: a cover image, a
 * show, mastered and published episodes, downloads. Everything is generated here, the same
 * bytes every run.
 */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A square cover (PNG, RGB): a diagonal indigo-to-rose gradient with a light ring and dot, like
 * a microphone seen from above. `size` ≥ 1400 passes Apple's rule.
 */
export function writeCoverPng(file: string, size = 1400): void {
  const row = 1 + size * 3;
  const raw = Buffer.alloc(row * size);
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    raw[y * row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const t = (x + y) / (2 * size);
      let r = 67 + (225 - 67) * t;
      let g = 56 + (29 - 56) * t;
      let b = 202 + (72 - 202) * t;
      const d = Math.hypot(x - c, y - c) / size;
      if ((d > 0.28 && d < 0.33) || d < 0.12) [r, g, b] = [255, 247, 237];
      const o = y * row + 1 + x * 3;
      raw[o] = Math.round(r);
      raw[o + 1] = Math.round(g);
      raw[o + 2] = Math.round(b);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  fs.writeFileSync(file, Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]));
}

/** A WAV of digital silence: it uploads, but mastering finds nothing to keep and fails. */
export function writeSilentWav(file: string, seconds = 3, sampleRate = 44100): void {
  const data = seconds * sampleRate * 2;
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "latin1");
  h.writeUInt32LE(36 + data, 4);
  h.write("WAVEfmt ", 8, "latin1");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "latin1");
  h.writeUInt32LE(data, 40);
  fs.writeFileSync(file, Buffer.concat([h, Buffer.alloc(data)]));
}

async function ok<T>(response: Promise<import("@playwright/test").APIResponse>, status = [200, 201]): Promise<T> {
  const r = await response;
  expect(status, `${r.url()}: ${await r.text()}`).toContain(r.status());
  return (await r.json()) as T;
}

/** Uploads a file to the user's media library. */
export async function uploadFile(request: APIRequestContext, user: ApiUser, file: string, mimeType: string): Promise<{ id: string }> {
  return ok(request.post("/api/v1/files", {
    headers: bearer(user.token),
    multipart: { file: { name: file.split("/").at(-1)!, mimeType, buffer: fs.readFileSync(file) } },
  }));
}

export interface Show {
  id: string;
  slug: string;
  title: string;
  coverFileId: string | null;
}

export async function createShow(request: APIRequestContext, user: ApiUser, data: Record<string, unknown>): Promise<Show> {
  return ok(request.post("/api/v1/podcasts", { headers: bearer(user.token), data: { author: "E2E", ...data } }));
}

export interface ApiEpisode {
  id: string;
  slug: string;
  title: string;
  status: string;
  processing: { status: string; error: string | null } | null;
}

export async function createEpisode(request: APIRequestContext, user: ApiUser, podcastId: string, data: Record<string, unknown>): Promise<ApiEpisode> {
  return ok(request.post(`/api/v1/podcasts/${podcastId}/episodes`, { headers: bearer(user.token), data }));
}

/** Starts mastering a recording of the library into the episode and waits until it has ended (succeeded or failed). */
export async function processEpisode(request: APIRequestContext, user: ApiUser, episodeId: string, audioFileId: string): Promise<ApiEpisode> {
  await ok(request.post(`/api/v1/episodes/${episodeId}/process`, { headers: bearer(user.token), data: { audioFileId } }), [200, 201, 202]);
  let episode: ApiEpisode | undefined;
  await expect
    .poll(async () => {
      episode = await ok<ApiEpisode>(request.get(`/api/v1/episodes/${episodeId}`, { headers: bearer(user.token) }));
      return episode.processing?.status;
    }, { timeout: 90_000 })
    .toMatch(/^(succeeded|failed)$/);
  return episode!;
}

export async function publishEpisode(request: APIRequestContext, user: ApiUser, episodeId: string, at?: Date): Promise<ApiEpisode> {
  return ok(request.post(`/api/v1/episodes/${episodeId}/publish`, { headers: bearer(user.token), data: at ? { at: at.toISOString() } : {} }));
}

const APPS = [
  "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)",
  "Spotify/8.9.34.590 Android/34 (SM-S918B)",
  "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",
  "PocketCasts/1.0 (Pocket Casts Android; +https://pocketcasts.com/)",
  "Podcasts/1650.20 CFNetwork/1333.0.4 Darwin/21.5.0",
  "Castro 2022.11/1173 CFNetwork/1390 Darwin/22.0.0",
];

/** `n` listeners (each a different app, so a different IAB listener) fetch the whole episode: `n` downloads once counted. */
export async function listen(request: APIRequestContext, podcastSlug: string, episodeSlug: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const ua = `${APPS[i % APPS.length]} listener/${i}`;
    const r = await request.get(`/p/${podcastSlug}/${episodeSlug}/audio.mp3`, { headers: { "user-agent": ua } });
    expect(r.status()).toBe(200);
  }
}
