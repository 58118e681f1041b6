import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { getEnv, resetEnvForTests } from "@/lib/env";
import { call } from "@/tests/api-client";
import { makeFixtureDir, noiseBytes } from "@/tests/media-fixtures";
import * as podcastsRoute from "../podcasts/route";
import * as tokensRoute from "../tokens/route";
import * as usersRoute from "../users/route";
import * as contentRoute from "./[id]/content/route";
import * as fileRoute from "./[id]/route";
import * as filesRoute from "./route";

const fx = makeFixtureDir();
afterAll(() => fx.cleanup());

let seq = 0;
async function token() {
  const email = `files-${Date.now()}-${seq++}@example.com`;
  await call(usersRoute.POST, { method: "POST", json: { name: "F", email, password: "long enough pw" } });
  return (await call(tokensRoute.POST, { method: "POST", json: { email, password: "long enough pw" } })).body.token as string;
}

async function upload(tok: string, file: string, name = path.basename(file)) {
  const form = new FormData();
  form.append("file", new Blob([fs.readFileSync(file)]), name);
  const req = new Request("http://localhost/api/v1/files", { method: "POST", body: form, headers: { authorization: `Bearer ${tok}` } });
  const res = await filesRoute.POST(req, { params: Promise.resolve({}) });
  return { status: res.status, body: await res.json() };
}

/** Every file kept under DATA_DIR: stored media plus leftovers in scratch space. */
function storedFiles() {
  const walk = (dir: string): string[] =>
    fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])) : [];
  return [...walk(path.join(getEnv().dataDir, "media")), ...walk(path.join(getEnv().dataDir, "tmp"))];
}

describe("/api/v1/files", () => {
  it("stores a WAV with what decoding found, and stores identical bytes once", async () => {
    const tok = await token();
    const wav = fx.wav("speech.wav", 2);
    const first = await upload(tok, wav);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      kind: "audio",
      originalFilename: "speech.wav",
      mimeType: "audio/wav",
      sizeBytes: fs.statSync(wav).size,
      sampleRate: 44100,
      channels: 1,
    });
    expect(first.body.durationSeconds).toBeCloseTo(2, 0);
    expect(first.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    const before = storedFiles().length;
    const again = await upload(tok, wav, "renamed-copy.wav");
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(storedFiles().length).toBe(before);
  });

  it("stores PNG images with their size and MP3 audio", async () => {
    const tok = await token();
    const png = await upload(tok, fx.png("cover.png", 1400));
    expect(png.status).toBe(201);
    expect(png.body).toMatchObject({ kind: "image", mimeType: "image/png", width: 1400, height: 1400 });
    const mp3 = await upload(tok, fx.mp3("tone.mp3", 3));
    expect(mp3.status).toBe(201);
    expect(mp3.body).toMatchObject({ kind: "audio", mimeType: "audio/mpeg", codec: "mp3" });
  });

  it("refuses what is not audio or an image with 415 naming the formats, and keeps nothing", async () => {
    const tok = await token();
    const before = storedFiles().length;
    for (const [name, content] of [
      ["noise.mp3", noiseBytes(50_000)],
      ["notes.wav", "just some text, not audio\n".repeat(100)],
      ["playlist.mp3", "#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n"],
    ] as const) {
      const res = await upload(tok, fx.bytes(name, content));
      expect(res.status, name).toBe(415);
      expect(res.body.error.message).toMatch(/WAV, MP3, M4A\/AAC, FLAC, Ogg\/Opus or AIFF/);
    }
    expect(storedFiles().length).toBe(before);
  });

  it("answers 422 for an empty file, 415 for a non-multipart body and 413 past the size limit", async () => {
    const tok = await token();
    expect((await upload(tok, fx.bytes("empty.wav", ""))).status).toBe(422);
    const json = await call(filesRoute.POST, { method: "POST", token: tok, json: { file: "x" } });
    expect(json.status).toBe(415);
    process.env.MAX_UPLOAD_BYTES = "20000";
    resetEnvForTests();
    try {
      const big = await upload(tok, fx.wav("long.wav", 3));
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe("too_large");
    } finally {
      delete process.env.MAX_UPLOAD_BYTES;
      resetEnvForTests();
    }
    const scratch = path.join(getEnv().dataDir, "tmp") + path.sep;
    expect(storedFiles().filter((f) => f.startsWith(scratch))).toEqual([]);
  });

  it("lists, renames, streams with ranges and deletes the owner's files; others get 404", async () => {
    const tok = await token();
    const other = await token();
    const wav = fx.wav("range.wav", 1, 550);
    const { body: file } = await upload(tok, wav);
    const list = await call(filesRoute.GET, { token: tok });
    expect(list.body.items.map((f: { id: string }) => f.id)).toEqual([file.id]);
    expect((await call(filesRoute.GET, { token: other })).body.items).toEqual([]);

    const renamed = await call(fileRoute.PATCH, { method: "PATCH", token: tok, params: { id: file.id }, json: { originalFilename: "Interview take 2.wav" } });
    expect(renamed.body.originalFilename).toBe("Interview take 2.wav");
    expect((await call(fileRoute.PATCH, { method: "PATCH", token: tok, params: { id: file.id }, json: { originalFilename: "../x" } })).status).toBe(422);

    const req = new Request(`http://localhost/api/v1/files/${file.id}/content`, { headers: { authorization: `Bearer ${tok}`, range: "bytes=100-199" } });
    const partial = await contentRoute.GET(req, { params: Promise.resolve({ id: file.id }) });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe(`bytes 100-199/${fs.statSync(wav).size}`);
    expect(Buffer.from(await partial.arrayBuffer())).toEqual(fs.readFileSync(wav).subarray(100, 200));

    for (const res of [
      await call(fileRoute.GET, { token: other, params: { id: file.id } }),
      await call(fileRoute.PATCH, { method: "PATCH", token: other, params: { id: file.id }, json: { originalFilename: "mine" } }),
      await call(fileRoute.DELETE, { method: "DELETE", token: other, params: { id: file.id } }),
      await call(contentRoute.GET, { token: other, params: { id: file.id } }),
    ]) {
      expect(res.status).toBe(404);
    }
    expect((await call(fileRoute.DELETE, { method: "DELETE", token: tok, params: { id: file.id } })).status).toBe(204);
    expect((await call(fileRoute.GET, { token: tok, params: { id: file.id } })).status).toBe(404);
  });

  it("refuses cover art that is not square or not 1400–3000 pixels", async () => {
    const tok = await token();
    const { body: small } = await upload(tok, fx.png("small.png", 1000));
    const res = await call(podcastsRoute.POST, { method: "POST", token: tok, json: { title: `Tiny cover ${seq++}`, coverFileId: small.id } });
    expect(res.status).toBe(422);
    expect(res.body.error.fields.coverFileId).toMatch(/1400×1400 and 3000×3000/);
  });

  it("refuses cover art that is not in the RGB colour space", async () => {
    const tok = await token();
    const gray = fx.ffmpeg(["-f", "lavfi", "-i", "color=c=0x777777:s=1400x1400", "-frames:v", "1", "-pix_fmt", "gray"], "gray-cover.png");
    const { body: file } = await upload(tok, gray);
    const res = await call(podcastsRoute.POST, { method: "POST", token: tok, json: { title: `Gray cover ${seq++}`, coverFileId: file.id } });
    expect(res.status).toBe(422);
    expect(res.body.error.fields.coverFileId).toMatch(/RGB colour space; this image is grayscale/);
    const rgb = await upload(tok, fx.png("rgb-cover.png", 1400));
    expect((await call(podcastsRoute.POST, { method: "POST", token: tok, json: { title: `RGB cover ${seq++}`, coverFileId: rgb.body.id } })).status).toBe(201);
  });

  it("refuses to delete a file a podcast uses, saying which", async () => {
    const tok = await token();
    const { body: cover } = await upload(tok, fx.png("in-use.png", 1500));
    const show = await call(podcastsRoute.POST, { method: "POST", token: tok, json: { title: `Covered ${seq++}`, coverFileId: cover.id } });
    expect(show.status).toBe(201);
    const del = await call(fileRoute.DELETE, { method: "DELETE", token: tok, params: { id: cover.id } });
    expect(del.status).toBe(409);
    expect(del.body.error.message).toContain(show.body.title);
  });
});
