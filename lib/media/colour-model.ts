/**
 * The colour model of a JPEG or PNG, read from its header bytes (no decoding): Apple Podcasts
 * takes cover art in the RGB colour space only, and CMYK JPEGs (print artwork) are the usual
 * offender. JPEG: the component count of the frame header (SOFn), 4 being CMYK or YCCK; PNG:
 * the IHDR colour type. `null` when the header is not within `head`.
 */
export type ColourModel = "rgb" | "grayscale" | "cmyk";

export function colourModel(head: Buffer): ColourModel | null {
  if (head.length >= 26 && head.readUInt32BE(0) === 0x89504e47 && head.toString("latin1", 12, 16) === "IHDR") {
    const colourType = head[25]!;
    return colourType === 0 || colourType === 4 ? "grayscale" : "rgb"; // 2 RGB, 3 palette, 6 RGBA
  }
  if (head.length < 4 || head[0] !== 0xff || head[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= head.length) {
    if (head[i] !== 0xff) return null;
    const marker = head[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2; // markers without a length
      continue;
    }
    const length = head.readUInt16BE(i + 2);
    // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC): length, precision, height, width, components.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 10 > head.length) return null;
      const components = head[i + 9]!;
      return components === 1 ? "grayscale" : components === 4 ? "cmyk" : "rgb";
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan data before any frame header
    i += 2 + length;
  }
  return null;
}
