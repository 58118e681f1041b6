"use client";

import { useEffect, useRef, useState } from "react";

interface Waveform {
  data: number[];
  length: number;
}

/** An audio player over the episode's waveform; clicking the waveform seeks. */
export function WaveformPlayer({ src, waveformUrl, title }: { src: string; waveformUrl: string; title: string }) {
  const audio = useRef<HTMLAudioElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [wave, setWave] = useState<Waveform | null>(null);
  const [position, setPosition] = useState(0);

  useEffect(() => {
    fetch(waveformUrl)
      .then((r) => (r.ok ? r.json() : null))
      .then((w) => w && setWave(w))
      .catch(() => undefined);
  }, [waveformUrl]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !wave) return;
    const ctx = c.getContext("2d");
    if (!ctx) return;
    const { width, height } = c;
    ctx.clearRect(0, 0, width, height);
    const n = wave.length;
    for (let x = 0; x < width; x++) {
      const i = Math.floor((x / width) * n);
      const min = wave.data[2 * i] ?? 0;
      const max = wave.data[2 * i + 1] ?? 0;
      ctx.fillStyle = x / width <= position ? "#4f46e5" : "#a5b4fc";
      const top = height / 2 - (max / 128) * (height / 2);
      const bottom = height / 2 - (min / 128) * (height / 2);
      ctx.fillRect(x, top, 1, Math.max(1, bottom - top));
    }
  }, [wave, position]);

  return (
    <div className="space-y-2">
      {wave && (
        <canvas
          ref={canvas}
          width={800}
          height={80}
          className="h-20 w-full cursor-pointer rounded bg-slate-50"
          data-testid="waveform"
          role="img"
          aria-label={`Waveform of ${title}; click to seek`}
          onClick={(e) => {
            const a = audio.current;
            if (!a || !a.duration) return;
            const rect = e.currentTarget.getBoundingClientRect();
            a.currentTime = ((e.clientX - rect.left) / rect.width) * a.duration;
          }}
        />
      )}
      <audio
        ref={audio}
        controls
        preload="metadata"
        src={src}
        className="w-full"
        aria-label={`Play ${title}`}
        onTimeUpdate={(e) => setPosition(e.currentTarget.duration ? e.currentTarget.currentTime / e.currentTarget.duration : 0)}
      />
    </div>
  );
}
