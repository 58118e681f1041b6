/**
 * Colours for the public pages, pure (server and client): the accent taken from a show's cover
 * and the text colour that keeps WCAG AA contrast on it.
 */

export type Rgb = { r: number; g: number; b: number };

/** "#rrggbb", or null for anything else. */
export function parseHex(hex: string | null | undefined): Rgb | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? "");
  return m ? { r: parseInt(m[1]!, 16), g: parseInt(m[2]!, 16), b: parseInt(m[3]!, 16) } : null;
}

export function toHex({ r, g, b }: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, "0")).join("")}`;
}

/** WCAG 2.1 relative luminance. */
export function relativeLuminance({ r, g, b }: Rgb): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG 2.1 contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const BLACK: Rgb = { r: 0, g: 0, b: 0 };
const WHITE: Rgb = { r: 255, g: 255, b: 255 };
/** The lightest grounds text sits on: white cards and the pages' slate-50 and slate-100 (the darkest of them). */
const LIGHT_GROUND: Rgb = { r: 0xf1, g: 0xf5, b: 0xf9 };

/**
 * The accent of a cover from its decoded pixels (rgb24, 3 bytes a pixel, a thumbnail is plenty):
 * the average weighted by saturation, so a coloured logo on a white or black ground gives the
 * logo's colour rather than grey. An all-grey cover gives its average grey.
 */
export function accentFromPixels(rgb: Uint8Array): Rgb {
  let r = 0, g = 0, b = 0, total = 0;
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    const [pr, pg, pb] = [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
    const max = Math.max(pr, pg, pb);
    const min = Math.min(pr, pg, pb);
    const weight = 0.02 + (max === 0 ? 0 : (max - min) / max) ** 2;
    r += pr * weight;
    g += pg * weight;
    b += pb * weight;
    total += weight;
  }
  return total === 0 ? { r: 0, g: 0, b: 0 } : { r: r / total, g: g / total, b: b / total };
}

/**
 * The accent as a band behind text: the accent itself with black or white text, whichever
 * contrasts more (for any colour one of them reaches 4.5:1, WCAG AA for body text), and the
 * accent darkened until it reads as link colour on the pages' light grounds (4.5:1 too).
 */
export function accentTheme(hex: string | null | undefined): { background: string; text: string; onLight: string } | null {
  const accent = parseHex(hex);
  if (!accent) return null;
  const text = contrastRatio(accent, BLACK) >= contrastRatio(accent, WHITE) ? "#000000" : "#ffffff";
  let onLight = accent;
  for (let f = 1; contrastRatio(onLight, LIGHT_GROUND) < 4.5 && f > 0; f -= 0.05) {
    onLight = { r: accent.r * f, g: accent.g * f, b: accent.b * f };
  }
  return { background: toHex(accent), text, onLight: toHex(onLight) };
}
