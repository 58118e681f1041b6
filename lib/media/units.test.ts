import { describe, expect, it } from "vitest";
import { parseBuffer } from "music-metadata";
import { buildId3Tag } from "./id3";
import { parseEbur128Summary } from "./loudness";
import { chooseNormalisation } from "./master";
import { SilenceTrimmer, mapTimeThroughCuts } from "./silence";

/** Pure parts of the media layer: no ffmpeg, milliseconds. */

function trim(seconds: number[], levels: number[], opts: { maxPause: number | null; trimEdges?: boolean }) {
  const rate = 1000;
  const out: number[] = [];
  const t = new SilenceTrimmer(
    { sampleRate: rate, channels: 1, thresholdDb: -40, trimEdges: opts.trimEdges ?? true, edgeKeepSeconds: 0.1, maxPauseSeconds: opts.maxPause },
    (b) => out.push(...b),
  );
  // Segments of constant level (a square-ish "voice" or digital silence), fed in odd-sized chunks.
  const all: number[] = [];
  seconds.forEach((s, i) => {
    for (let n = 0; n < s * rate; n++) all.push(levels[i]! * (n % 2 ? 1 : -1));
  });
  for (let at = 0; at < all.length; at += 333) t.push(Float32Array.from(all.slice(at, at + 333)));
  t.end();
  return { seconds: out.length / rate, removed: t.removedSeconds, cuts: t.cuts };
}

describe("silence trimmer", () => {
  it("trims the edges to the pad and shortens long pauses to the limit, keeping short ones", () => {
    // 2 s silence, 3 s voice, 0.8 s pause, 2 s voice, 4 s pause, 1 s voice, 3 s silence
    const r = trim([2, 3, 0.8, 2, 4, 1, 3], [0, 0.5, 0, 0.5, 0, 0.5, 0], { maxPause: 1.5 });
    // removed: 1.9 lead + 2.5 pause + 2.9 trail
    expect(r.removed).toBeCloseTo(7.3, 1);
    expect(r.seconds).toBeCloseTo(15.8 - 7.3, 1);
    expect(r.cuts.map((c) => c.seconds)).toEqual([1.9, 2.5, 2.9].map((s) => expect.closeTo(s, 1)));
    // A time on the raw recording maps onto the trimmed one.
    expect(mapTimeThroughCuts(2.5, r.cuts)).toBeCloseTo(0.6, 1);
    expect(mapTimeThroughCuts(12, r.cuts)).toBeCloseTo(12 - 1.9 - 2.5, 1);
  });

  it("keeps everything when trimming is off", () => {
    const r = trim([1, 2, 3, 1], [0, 0.5, 0, 0.5], { maxPause: null, trimEdges: false });
    expect(r.removed).toBe(0);
    expect(r.seconds).toBeCloseTo(7, 2);
  });
});

describe("normalisation mode", () => {
  const m = { integratedLufs: -20, lraLu: 6, truePeakDbtp: -8, thresholdLufs: -30 };
  const target = { integratedLufs: -16, truePeakDbtp: -2, lraLu: 11 };
  it("is linear when the gain keeps the true peak under the ceiling and the range is narrow", () => {
    expect(chooseNormalisation(m, target)).toEqual({ mode: "linear", gainDb: 4 });
  });
  it("limits a few peaks rather than levelling, and falls back to dynamic for a wide range or heavy limiting", () => {
    expect(chooseNormalisation({ ...m, truePeakDbtp: -3 }, target)).toEqual({ mode: "limited", gainDb: 4 });
    expect(chooseNormalisation({ ...m, lraLu: 14 }, target).mode).toBe("dynamic");
    expect(chooseNormalisation({ ...m, truePeakDbtp: 3 }, target).mode).toBe("dynamic");
  });
});

describe("ebur128 summary", () => {
  it("reads integrated, threshold, LRA and true peak, and survives silence", () => {
    const log = `[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -18.3 LUFS\n    Threshold: -28.6 LUFS\n\n  Loudness range:\n    LRA:        10.1 LU\n    Threshold: -38.6 LUFS\n    LRA low:   -26.0 LUFS\n    LRA high:  -15.8 LUFS\n\n  True peak:\n    Peak:       -2.8 dBFS\n`;
    expect(parseEbur128Summary(log)).toEqual({ integratedLufs: -18.3, thresholdLufs: -28.6, lraLu: 10.1, truePeakDbtp: -2.8 });
    const silent = log.replace("-18.3", "-70.0").replace("-2.8 dBFS", "-inf dBFS");
    expect(parseEbur128Summary(silent).truePeakDbtp).toBe(-144);
  });
});

describe("ID3v2.3 tag", () => {
  it("is read back by a tag library: text frames, unicode, cover and chapters", async () => {
    const png = Buffer.from("89504e470d0a1a0a", "hex");
    const tag = buildId3Tag(
      {
        title: "Épisode 12 — «Ünïcode» 🎙",
        album: "My Show",
        artist: "Ana",
        track: 12,
        year: 2025,
        comment: "Show notes",
        cover: { mimeType: "image/png", data: png },
        chapters: [
          { startSeconds: 0, title: "Intro" },
          { startSeconds: 65.5, title: "Interview" },
        ],
      },
      120,
    );
    const meta = await parseBuffer(tag, { mimeType: "audio/mpeg" }, { includeChapters: true, duration: false });
    expect(meta.common.title).toBe("Épisode 12 — «Ünïcode» 🎙");
    expect(meta.common.album).toBe("My Show");
    expect(meta.common.artist).toBe("Ana");
    expect(meta.common.track.no).toBe(12);
    expect(meta.common.year).toBe(2025);
    expect(meta.common.genre).toEqual(["Podcast"]);
    expect(meta.common.comment?.[0]).toMatchObject({ text: "Show notes" });
    expect(meta.common.picture?.[0]?.format).toBe("image/png");
    expect(meta.native["ID3v2.3"]?.some((t) => t.id === "CTOC")).toBe(true);
    expect(meta.format.chapters?.map((c) => [c.title, c.start, c.end])).toEqual([
      ["Intro", 0, 65.5],
      ["Interview", 65.5, 120],
    ]);
  });
});
