import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeFixtureDir } from "@/tests/media-fixtures";
import { colourModel } from "./colour-model";
import { ffmpegPaths } from "./ffmpeg";

/** A JPEG's first bytes: SOI, an APP segment of `appBytes`, then a baseline frame header with `components`. */
function jpegHead(components: number, appBytes = 20) {
  const app = Buffer.alloc(4 + appBytes);
  app.writeUInt16BE(0xffe1, 0);
  app.writeUInt16BE(2 + appBytes, 2);
  const sof = Buffer.alloc(2 + 8 + 3 * components);
  sof.writeUInt16BE(0xffc0, 0);
  sof.writeUInt16BE(8 + 3 * components, 2);
  sof[4] = 8;
  sof.writeUInt16BE(1400, 5);
  sof.writeUInt16BE(1400, 7);
  sof[9] = components;
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app, sof]);
}

describe("colourModel", () => {
  it("reads a JPEG's component count past other segments: 3 RGB, 1 grayscale, 4 CMYK", () => {
    expect(colourModel(jpegHead(3))).toBe("rgb");
    expect(colourModel(jpegHead(1))).toBe("grayscale");
    expect(colourModel(jpegHead(4, 60_000))).toBe("cmyk");
    expect(colourModel(jpegHead(4).subarray(0, 30))).toBeNull(); // header cut off
    expect(colourModel(Buffer.from("not an image"))).toBeNull();
  });

  it("reads the colour type of PNGs and JPEGs made by ffmpeg", () => {
    const fx = makeFixtureDir();
    try {
      const ffmpeg = ffmpegPaths().ffmpeg;
      const make = (name: string, pixFmt: string) => {
        const file = path.join(fx.dir, name);
        execFileSync(ffmpeg, ["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=0x336699:s=64x64", "-frames:v", "1", "-pix_fmt", pixFmt, file]);
        return fs.readFileSync(file);
      };
      expect(colourModel(make("rgb.png", "rgb24"))).toBe("rgb");
      expect(colourModel(make("rgba.png", "rgba"))).toBe("rgb");
      expect(colourModel(make("gray.png", "gray"))).toBe("grayscale");
      expect(colourModel(make("photo.jpg", "yuvj420p"))).toBe("rgb");
    } finally {
      fx.cleanup();
    }
  });
});
