"use client";

import { useEffect, useRef, useState } from "react";
import { WaveformPlayer } from "./waveform-player";

export interface ListenChapter {
  startSeconds: number;
  title: string;
  /** "12:34", formatted on the server. */
  label: string;
}

export interface ListenCue {
  start: number;
  label: string;
  speaker: string | null;
  text: string;
}

/**
 * The public episode player: the waveform player, a chapters list and the transcript, whose
 * entries seek the audio. WaveformPlayer keeps its <audio> to itself, so this finds it inside
 * its own box rather than reaching into the player.
 */
export function EpisodeListen({
  src,
  waveformUrl,
  title,
  chapters,
  cues,
}: {
  src: string;
  waveformUrl: string;
  title: string;
  chapters: ListenChapter[];
  cues: ListenCue[] | null;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [time, setTime] = useState(0);
  const audio = () => box.current?.querySelector("audio") ?? null;

  useEffect(() => {
    const a = box.current?.querySelector("audio");
    if (!a) return;
    const onTime = () => setTime(a.currentTime);
    a.addEventListener("timeupdate", onTime);
    a.addEventListener("seeked", onTime);
    return () => {
      a.removeEventListener("timeupdate", onTime);
      a.removeEventListener("seeked", onTime);
    };
  }, []);

  const seek = (seconds: number) => {
    const a = audio();
    if (!a) return;
    a.currentTime = seconds;
    setTime(seconds);
    a.play().catch(() => undefined); // the click is a user gesture; a refusal just leaves it paused
  };

  // Timestamps in the show notes are links (`<a href="#t=12:34" data-seek="754">`, written by
  // lib/markdown.ts) outside this component: one listener on the document makes them seek.
  // The address keeps the #t= so the link can be shared.
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      const link = e.target instanceof Element ? e.target.closest<HTMLAnchorElement>("a[data-seek]") : null;
      const a = box.current?.querySelector("audio");
      if (!link || !a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const seconds = Number(link.dataset.seek);
      if (!Number.isFinite(seconds)) return;
      e.preventDefault();
      history.replaceState(null, "", link.getAttribute("href"));
      a.currentTime = seconds;
      setTime(seconds);
      a.play().catch(() => undefined);
    };
    document.addEventListener("click", onClick);
    return () => document.removeEventListener("click", onClick);
  }, []);

  // A shared link to a moment (…/episode#t=12:34) opens with the player there, paused.
  useEffect(() => {
    const m = /^#t=(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)$/.exec(location.hash);
    const a = box.current?.querySelector("audio");
    if (!m || !a) return;
    const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    const jump = () => {
      a.currentTime = seconds;
      setTime(seconds);
    };
    if (a.readyState >= 1) jump();
    else a.addEventListener("loadedmetadata", jump, { once: true });
    return () => a.removeEventListener("loadedmetadata", jump);
  }, []);

  const current = chapters.findLastIndex((c) => c.startSeconds <= time);
  const currentCue = cues ? cues.findLastIndex((c) => c.start <= time) : -1;

  return (
    <div className="space-y-6">
      <div ref={box}>
        <WaveformPlayer src={src} waveformUrl={waveformUrl} title={title} />
      </div>
      {chapters.length > 0 && (
        <section aria-labelledby="chapters-heading" className="space-y-2">
          <h2 id="chapters-heading" className="text-lg font-semibold">Chapters</h2>
          <ol aria-label="Chapters" className="divide-y divide-slate-100 rounded-md border border-slate-200 bg-white">
            {chapters.map((c, i) => (
              <li key={`${c.startSeconds}-${i}`}>
                <button
                  type="button"
                  onClick={() => seek(c.startSeconds)}
                  aria-current={i === current ? "true" : undefined}
                  className="flex w-full gap-3 px-3 py-2 text-left hover:bg-slate-50 aria-[current=true]:bg-indigo-50 aria-[current=true]:font-medium"
                >
                  <span className="w-16 shrink-0 font-mono text-sm text-slate-500">{c.label}</span>
                  <span>{c.title}</span>
                </button>
              </li>
            ))}
          </ol>
        </section>
      )}
      {cues && (
        <section aria-labelledby="transcript-heading" className="space-y-2">
          <h2 id="transcript-heading" className="text-lg font-semibold">Transcript</h2>
          <div data-testid="transcript" className="max-h-96 space-y-1 overflow-y-auto rounded-md border border-slate-200 bg-white p-3">
            {cues.map((c, i) => (
              <p key={i} className={`flex gap-3 rounded px-1 ${i === currentCue ? "bg-indigo-50" : ""}`}>
                <button
                  type="button"
                  onClick={() => seek(c.start)}
                  className="w-16 shrink-0 text-left font-mono text-sm text-indigo-700 hover:underline"
                  aria-label={`Play from ${c.label}`}
                >
                  {c.label}
                </button>
                <span>
                  {c.speaker && <span className="font-medium">{c.speaker}: </span>}
                  {c.text}
                </span>
              </p>
            ))}
          </div>
        </section>
      )}
    </div>
  );
}
