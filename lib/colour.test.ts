import { describe, expect, it } from "vitest";
import { accentFromPixels, accentTheme, contrastRatio, parseHex, toHex } from "./colour";

const pixels = (...colours: [number, number, number][]) => Uint8Array.from(colours.flat());

describe("accent colour", () => {
  it("is the colour of a single-colour cover", () => {
    expect(toHex(accentFromPixels(pixels([0x33, 0x66, 0x99], [0x33, 0x66, 0x99])))).toBe("#336699");
  });

  it("leans to the coloured part of a cover on a white ground", () => {
    const cover = pixels(...Array<[number, number, number]>(9).fill([255, 255, 255]), [200, 20, 20]);
    const { r, g, b } = accentFromPixels(cover);
    expect(r).toBeGreaterThan(g + 100);
    expect(Math.abs(g - b)).toBeLessThan(1);
  });

  it("keeps a grey cover grey", () => {
    expect(toHex(accentFromPixels(pixels([128, 128, 128])))).toBe("#808080");
  });

  it("chooses black or white text that meets WCAG AA (4.5:1) on any accent, and an accent shade for links on light grounds", () => {
    for (let v = 0; v < 256; v += 15) {
      for (const hex of [toHex({ r: v, g: v, b: v }), toHex({ r: v, g: 255 - v, b: 40 }), toHex({ r: 255, g: v, b: v / 2 })]) {
        const theme = accentTheme(hex)!;
        expect(contrastRatio(parseHex(theme.background)!, parseHex(theme.text)!), hex).toBeGreaterThanOrEqual(4.5);
        expect(contrastRatio(parseHex(theme.onLight)!, { r: 0xf1, g: 0xf5, b: 0xf9 }), hex).toBeGreaterThanOrEqual(4.5);
      }
    }
    expect(accentTheme("#ffff00")!.text).toBe("#000000");
    expect(accentTheme("#1e3a8a")!.text).toBe("#ffffff");
    // A dark accent is already readable on a light ground and stays as it is.
    expect(accentTheme("#1e3a8a")!.onLight).toBe("#1e3a8a");
  });

  it("refuses what is not #rrggbb", () => {
    expect(accentTheme(null)).toBeNull();
    expect(accentTheme("red")).toBeNull();
    expect(accentTheme("#12345")).toBeNull();
  });
});
