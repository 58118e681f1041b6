"use client";

import { useRef, useState } from "react";
import { formatDuration } from "@/lib/format";
import type { ListenChapter } from "./episode-listen";
import { useWaveform, useWaveformDrawing } from "./waveform";

/**
 * The compact player of the embed page: play/pause, a seek slider with the time, the waveform
 * (click to seek), chapters that seek, and a link back to the episode page. It keeps its own
 * controls (not the browser's) so it looks the same on every site and in both themes.
 */
export function EmbedPlayer({
  src,
  waveformUrl,
  episodeUrl,
  title,
  podcastTitle,
  cover,
  chapters,
  durationSeconds,
  theme,
}: {
  src: string;
  waveformUrl: string;
  episodeUrl: string;
  title: string;
  podcastTitle: string;
  cover: string | null;
  chapters: ListenChapter[];
  durationSeconds: number | null;
  theme: "light" | "dark";
}) {
  const audio = useRef<HTMLAudioElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const wave = useWaveform(waveformUrl);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(durationSeconds ?? 0);
  const dark = theme === "dark";

  useWaveformDrawing(canvas, wave, duration ? time / duration : 0, dark ? { played: "#a5b4fc", rest: "#475569" } : { played: "#4f46e5", rest: "#c7d2fe" });

  const seek = (seconds: number, play = false) => {
    const a = audio.current;
    if (!a) return;
    a.currentTime = seconds;
    setTime(seconds);
    if (play) a.play().catch(() => undefined); // a click is a user gesture; a refusal leaves it paused
  };
  const toggle = () => {
    const a = audio.current;
    if (!a) return;
    if (a.paused) a.play().catch(() => undefined);
    else a.pause();
  };
  const current = chapters.findLastIndex((c) => c.startSeconds <= time);
  const muted = dark ? "text-slate-400" : "text-slate-500";

  return (
    <div className={`flex h-full flex-col gap-2 p-3 ${dark ? "bg-slate-900 text-slate-100" : "bg-white text-slate-900"}`} data-theme={theme}>
      <div className="flex items-center gap-3">
        {/* eslint-disable-next-line @next/next/no-img-element -- the cover is served by our own route, already sized */}
        {cover && <img src={cover} alt="" width={48} height={48} className="h-12 w-12 shrink-0 rounded object-cover" />}
        <button
          type="button"
          onClick={toggle}
          aria-label={playing ? "Pause" : "Play"}
          className="flex h-10 w-10 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-white hover:bg-indigo-700"
        >
          <span aria-hidden="true">{playing ? "❚❚" : "▶"}</span>
        </button>
        <div className="min-w-0 flex-1">
          <a href={episodeUrl} target="_blank" rel="noopener" className="block truncate font-semibold hover:underline">
            {title}
          </a>
          <p className={`truncate text-xs ${muted}`}>{podcastTitle}</p>
        </div>
      </div>
      {wave && (
        <canvas
          ref={canvas}
          width={600}
          height={48}
          className="h-12 w-full cursor-pointer"
          data-testid="waveform"
          role="img"
          aria-label={`Waveform of ${title}; click to seek`}
          onClick={(e) => {
            if (!duration) return;
            const rect = e.currentTarget.getBoundingClientRect();
            seek(((e.clientX - rect.left) / rect.width) * duration);
          }}
        />
      )}
      <div className="flex items-center gap-2 text-xs">
        <span data-testid="time" className="w-12 font-mono">{formatDuration(time)}</span>
        <input
          type="range"
          min={0}
          max={duration || 0}
          step="any"
          value={Math.min(time, duration || 0)}
          onChange={(e) => seek(Number(e.currentTarget.value))}
          aria-label="Seek"
          className="flex-1 accent-indigo-600"
        />
        <span className="w-12 text-right font-mono">{formatDuration(duration)}</span>
      </div>
      {chapters.length > 0 && (
        <ol aria-label="Chapters" className="min-h-0 flex-1 overflow-y-auto text-sm">
          {chapters.map((c, i) => (
            <li key={`${c.startSeconds}-${i}`}>
              <button
                type="button"
                onClick={() => seek(c.startSeconds, true)}
                aria-current={i === current ? "true" : undefined}
                className={`flex w-full gap-2 rounded px-1 text-left aria-[current=true]:font-semibold ${dark ? "hover:bg-slate-800" : "hover:bg-slate-50"}`}
              >
                <span className={`w-12 shrink-0 font-mono ${muted}`}>{c.label}</span>
                <span className="truncate">{c.title}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
      <audio
        ref={audio}
        preload="metadata"
        src={src}
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => setPlaying(false)}
        onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
        onLoadedMetadata={(e) => Number.isFinite(e.currentTarget.duration) && setDuration(e.currentTarget.duration)}
      />
    </div>
  );
}
