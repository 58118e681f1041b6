"use client";

import { useEffect, useState, type RefObject } from "react";

/** An episode's waveform as `/waveform.json` serves it: min/max pairs (−128…127) per column. */
export interface Waveform {
  data: number[];
  length: number;
}

/** The waveform at `url`, once loaded (null before, or when there is none). */
export function useWaveform(url: string): Waveform | null {
  const [wave, setWave] = useState<Waveform | null>(null);
  useEffect(() => {
    fetch(url)
      .then((r) => (r.ok ? r.json() : null))
      .then((w: Waveform | null) => w && setWave(w))
      .catch(() => undefined);
  }, [url]);
  return wave;
}

/** Draws `wave` on the canvas, the part before `played` (0–1) in the first colour. */
export function useWaveformDrawing(
  canvas: RefObject<HTMLCanvasElement | null>,
  wave: Waveform | null,
  played: number,
  colours: { played: string; rest: string },
) {
  useEffect(() => {
    const c = canvas.current;
    if (!c || !wave) return;
    const ctx = c.getContext("2d");
    if (!ctx) return;
    const { width, height } = c;
    ctx.clearRect(0, 0, width, height);
    for (let x = 0; x < width; x++) {
      const i = Math.floor((x / width) * wave.length);
      const min = wave.data[2 * i] ?? 0;
      const max = wave.data[2 * i + 1] ?? 0;
      ctx.fillStyle = x / width <= played ? colours.played : colours.rest;
      const top = height / 2 - (max / 128) * (height / 2);
      const bottom = height / 2 - (min / 128) * (height / 2);
      ctx.fillRect(x, top, 1, Math.max(1, bottom - top));
    }
  }, [canvas, wave, played, colours.played, colours.rest]);
}
