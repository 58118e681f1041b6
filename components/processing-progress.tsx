"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { buttonClass } from "@/components/styles";

interface ProcessingView {
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  progress: number;
  step: string | null;
  error: string | null;
  startedAt: string | null;
}

const STEP_LABELS: Record<string, string> = {
  queued: "Waiting to start",
  "inspect inputs": "Checking the recording",
  "measure loudness": "Measuring loudness",
  "clean up, master and encode": "Cleaning up, normalising, adding intro and outro, encoding MP3",
  "store result": "Saving the result",
};

function eta(p: ProcessingView, now: number): string | null {
  if (!p.startedAt || p.progress < 0.03) return null;
  const elapsed = (now - new Date(p.startedAt).getTime()) / 1000;
  const left = (elapsed * (1 - p.progress)) / p.progress;
  if (!Number.isFinite(left) || left < 1) return null;
  return left > 90 ? `about ${Math.round(left / 60)} min left` : `about ${Math.round(left)} s left`;
}

/** Live progress of an episode's processing, polled once a second; refreshes the page when it ends. */
export function ProcessingProgress({ episodeId, initial }: { episodeId: string; initial: ProcessingView }) {
  const [p, setP] = useState(initial);
  // When `p` was last read: the estimate uses the poll's clock, since rendering must not read one.
  const [readAt, setReadAt] = useState<number | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string>();
  const router = useRouter();

  useEffect(() => {
    let stop = false;
    const tick = async () => {
      try {
        const res = await fetch(`/api/v1/episodes/${episodeId}`, { cache: "no-store" });
        if (res.ok) {
          const body = await res.json();
          if (body.processing && !stop) {
            setP(body.processing);
            setReadAt(Date.now());
            if (!["queued", "running"].includes(body.processing.status)) {
              stop = true;
              router.refresh();
              return;
            }
          }
        }
      } catch {
        // offline for a moment: try again on the next tick
      }
      if (!stop) timer = setTimeout(() => void tick(), 1000);
    };
    // tick() catches its own errors.
    let timer = setTimeout(() => void tick(), 1000);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [episodeId, router]);

  async function cancel() {
    setCancelling(true);
    try {
      const res = await fetch(`/api/v1/episodes/${episodeId}/process/cancel`, { method: "POST" });
      if (!res.ok) setError((await res.json().catch(() => null))?.error?.message ?? "Could not cancel.");
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    }
    setCancelling(false);
    router.refresh();
  }

  const pct = Math.round(p.progress * 100);
  const left = readAt === null ? null : eta(p, readAt);
  return (
    <div className="space-y-2 rounded-md border border-blue-200 bg-blue-50 p-4" data-testid="processing-progress">
      <div className="flex items-center justify-between text-sm">
        <span className="font-medium text-blue-900">{STEP_LABELS[p.step ?? "queued"] ?? p.step}</span>
        <span className="text-blue-900">
          {pct}%{left ? ` · ${left}` : ""}
        </span>
      </div>
      <progress className="h-2 w-full" max={100} value={pct} aria-label="Processing progress" />
      <button type="button" className={buttonClass("secondary")} onClick={() => void cancel()} disabled={cancelling}>
        {cancelling ? "Cancelling…" : "Cancel processing"}
      </button>
      {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
    </div>
  );
}
