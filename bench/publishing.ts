import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

/**
 * Publishing benchmarks against the real production server (`npm start`'s; run `npm run build`
 * first): the feed of a podcast with 1,000 episodes, cold and answered 304; and audio delivery
 * throughput on loopback against Node's plain fs.createReadStream → http server streaming the
 * same file, in the same run.
 */
const EPISODES = 1000;
const AUDIO_BYTES = 64 * 1024 * 1024;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number; ms: number; etag?: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        let bytes = 0;
        res.on("data", (c: Buffer) => (bytes += c.length));
        res.on("end", () => resolve({ status: res.statusCode!, bytes, ms: performance.now() - started, etag: res.headers.etag }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

async function waitForHealth(base: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await get(`${base}/api/health`)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the app server did not become healthy");
}

export async function benchPublishing() {
  if (!fs.existsSync(path.join(process.cwd(), ".next", "standalone", "server.js"))) {
    console.log("publishing bench: no production build found — run `npm run build` first (skipped)");
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "podcastpro-bench-pub-"));
  process.env.DATA_DIR = dir;
  delete process.env.DATABASE_URL;
  const { resetEnvForTests } = await import("@/lib/env");
  const { closeConnection, db, tables } = await import("@/db");
  const { resetStorageForTests, getStorage, newStorageKey } = await import("@/lib/storage");
  await closeConnection();
  resetEnvForTests();
  resetStorageForTests();
  const { migrateDatabase } = await import("@/db/migrate");
  await migrateDatabase();
  const { newId } = await import("@/lib/ids");

  // One user, one podcast, one 64 MiB audio file (deterministic bytes), 1,000 published episodes.
  const now = Date.now();
  const userId = newId();
  await db.insert(tables.users).values({ id: userId, email: "bench@example.com", name: "Bench", passwordHash: "x", createdAt: new Date(), updatedAt: new Date() });
  const audioPath = path.join(dir, "audio.bin");
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
  fs.writeFileSync(audioPath, Buffer.concat(Array.from({ length: AUDIO_BYTES / chunk.length }, () => chunk)));
  const key = newStorageKey("out");
  const copy = path.join(dir, "audio-copy.bin");
  fs.copyFileSync(audioPath, copy);
  await getStorage().putFile(key, copy);
  const fileId = newId();
  await db.insert(tables.mediaFiles).values({ id: fileId, ownerId: userId, kind: "audio", originalFilename: "a.mp3", storageKey: key, mimeType: "audio/mpeg", sizeBytes: AUDIO_BYTES, sha256: "bench", durationSeconds: 3600, createdAt: new Date() });
  const podcastId = newId();
  await db.insert(tables.podcasts).values({ id: podcastId, ownerId: userId, slug: "bench-show", title: "Bench Show", description: "<p>A show.</p>", author: "Bench", ownerName: "Bench", ownerEmail: "bench@example.com", category: "Technology", createdAt: new Date(), updatedAt: new Date() });
  const rows = Array.from({ length: EPISODES }, (_, i) => ({
    id: newId(),
    podcastId,
    slug: `episode-${i + 1}`,
    guid: newId(),
    title: `Episode ${i + 1}: a title of a usual length`,
    description: `<p>Show notes for episode ${i + 1}, with <a href="https://example.com/${i}">a link</a> and a few sentences of text to make it realistic.</p>`.repeat(3),
    episodeNumber: i + 1,
    status: "published" as const,
    publishedAt: new Date(now - (EPISODES - i) * 86_400_000),
    audioFileId: fileId,
    durationSeconds: 3600,
    sizeBytes: AUDIO_BYTES,
    createdAt: new Date(),
    updatedAt: new Date(),
  }));
  for (let i = 0; i < rows.length; i += 200) await db.insert(tables.episodes).values(rows.slice(i, i + 200));
  await closeConnection();

  const port = 31000 + Math.floor(Math.random() * 2000);
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [path.join("scripts", "start.mjs")], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dir, NEXT_TELEMETRY_DISABLED: "1", PUBLIC_URL: base },
    stdio: "ignore",
  });
  const plain = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "audio/mpeg", "Content-Length": AUDIO_BYTES });
    fs.createReadStream(audioPath).pipe(res);
  });
  await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
  const plainUrl = `http://127.0.0.1:${(plain.address() as { port: number }).port}/audio.mp3`;
  try {
    await waitForHealth(base);
    const feedUrl = `${base}/p/bench-show/feed.xml`;
    const first = await get(feedUrl);
    const cold: number[] = [];
    for (let i = 0; i < 10; i++) cold.push((await get(feedUrl)).ms);
    const notModified: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await get(feedUrl, { "If-None-Match": first.etag! });
      if (r.status !== 304) throw new Error(`expected 304, got ${r.status}`);
      notModified.push(r.ms);
    }
    console.log(
      `feed, ${EPISODES} episodes (${(first.bytes / 1024).toFixed(0)} KiB): cold (first request, XML built) ${first.ms.toFixed(1)} ms; ` +
        `200 with the XML cached by ETag, median ${median(cold).toFixed(1)} ms; 304 median ${median(notModified).toFixed(1)} ms`,
    );
    console.log(
      `  reference (the 304 answer, same run): cold/304 = ${(first.ms / median(notModified)).toFixed(1)}x, cached 200/304 = ${(median(cold) / median(notModified)).toFixed(1)}x`,
    );

    const app: number[] = [];
    const ref: number[] = [];
    const audioUrl = `${base}/p/bench-show/episode-1/audio.mp3`;
    await get(audioUrl); // warm
    for (let i = 0; i < 5; i++) {
      const a = await get(audioUrl);
      if (a.bytes !== AUDIO_BYTES) throw new Error(`app sent ${a.bytes} bytes`);
      app.push(a.ms);
      ref.push((await get(plainUrl)).ms);
    }
    const mbps = (ms: number) => AUDIO_BYTES / 1024 / 1024 / (ms / 1000);
    console.log(`audio delivery, ${AUDIO_BYTES / 1024 / 1024} MiB over loopback: app ${mbps(median(app)).toFixed(0)} MiB/s (median of 5)`);
    console.log(`  reference fs.createReadStream → http: ${mbps(median(ref)).toFixed(0)} MiB/s; ratio app/reference = ${(mbps(median(app)) / mbps(median(ref))).toFixed(2)}`);
  } finally {
    server.kill("SIGTERM");
    plain.close();
    await new Promise((r) => setTimeout(r, 500));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
