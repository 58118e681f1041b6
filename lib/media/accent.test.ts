import { afterAll, describe, expect, it } from "vitest";
import { parseHex } from "@/lib/colour";
import { makeFixtureDir } from "@/tests/media-fixtures";
import { coverAccentColour } from "./accent";

const media = makeFixtureDir();
afterAll(() => media.cleanup());

const near = (hex: string, want: [number, number, number]) => {
  const c = parseHex(hex)!;
  return Math.max(Math.abs(c.r - want[0]), Math.abs(c.g - want[1]), Math.abs(c.b - want[2]));
};

describe("coverAccentColour", () => {
  it("reads a PNG cover's colour", async () => {
    // lavfi's colour source is YUV: a step or two off after the round trip.
    expect(near(await coverAccentColour(media.png("blue.png", 1400)), [0x33, 0x66, 0x99])).toBeLessThan(6);
  });

  it("reads a JPEG cover's colour, and the logo's colour on a white ground", async () => {
    const jpeg = media.ffmpeg(["-f", "lavfi", "-i", "color=c=0xcc2222:s=1400x1400", "-frames:v", "1", "-f", "mjpeg"], "red-jpeg");
    expect(near(await coverAccentColour(jpeg), [0xcc, 0x22, 0x22])).toBeLessThan(6);
    const logo = media.ffmpeg(
      ["-f", "lavfi", "-i", "color=c=white:s=1400x1400", "-f", "lavfi", "-i", "color=c=0x2255cc:s=400x400", "-filter_complex", "[0][1]overlay=500:500", "-frames:v", "1"],
      "logo.png",
    );
    const c = parseHex(await coverAccentColour(logo))!;
    expect(c.b - c.r).toBeGreaterThan(60);
  });

  it("fails with a MediaError on a file that is not an image", async () => {
    await expect(coverAccentColour(media.bytes("nope.png", "not an image"))).rejects.toMatchObject({ name: "MediaError" });
  });
});
