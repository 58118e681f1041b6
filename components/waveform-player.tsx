"use client";

import { useRef, useState } from "react";
import { useWaveform, useWaveformDrawing } from "./waveform";

/** An audio player over the episode's waveform; clicking the waveform seeks. */
export function WaveformPlayer({ src, waveformUrl, title }: { src: string; waveformUrl: string; title: string }) {
  const audio = useRef<HTMLAudioElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const wave = useWaveform(waveformUrl);
  const [position, setPosition] = useState(0);
  useWaveformDrawing(canvas, wave, position, { played: "#4f46e5", rest: "#a5b4fc" });

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
