/**
 * Short-term loudness of the recording before and after speaker leveling, as one inline SVG (a
 * server component: no chart library, no client JavaScript). Pauses are shaded so a podcaster can
 * see that the gaps were not lifted; the dashed line is the loudness target.
 */

export type LevelerStats =
  | {
      applied: true;
      stretches: number;
      speechSpreadLu: { before: number; after: number };
      worstStretchLu: { before: number; after: number };
      largestGainDb: number;
      smallestGainDb: number;
      lraLu: { before: number; after: number };
      chart: { stepSeconds: number; before: (number | null)[]; after: (number | null)[]; pauses: string };
    }
  | { applied: false; reason: string };

/** Reads the leveler's block of a processing's stats JSON; undefined for stats from before the leveler. */
export function readLevelerStats(stats: Record<string, unknown> | null | undefined): LevelerStats | undefined {
  const l = stats?.leveler as Partial<LevelerStats> | undefined;
  if (!l || typeof l !== "object") return undefined;
  if (l.applied === false && typeof l.reason === "string") return l as LevelerStats;
  if (l.applied === true && l.chart && Array.isArray(l.chart.before) && Array.isArray(l.chart.after) && typeof l.chart.pauses === "string") {
    return l as LevelerStats;
  }
  return undefined;
}

const W = 640;
const H = 200;
const PAD = { left: 40, right: 8, top: 8, bottom: 22 };
const TOP_LUFS = -5;
const BOTTOM_LUFS = -50;

const x = (i: number, n: number) => PAD.left + (i / Math.max(1, n - 1)) * (W - PAD.left - PAD.right);
const y = (lufs: number) => {
  const v = Math.max(BOTTOM_LUFS, Math.min(TOP_LUFS, lufs));
  return PAD.top + ((TOP_LUFS - v) / (TOP_LUFS - BOTTOM_LUFS)) * (H - PAD.top - PAD.bottom);
};

/** SVG path with gaps where nothing was measurable. */
function line(values: (number | null)[]): string {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) return void (pen = false);
    d += `${pen ? "L" : "M"}${x(i, values.length).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`;
}

export function LoudnessChart({ chart, targetLufs, summary }: { chart: Extract<LevelerStats, { applied: true }>["chart"]; targetLufs: number; summary: string }) {
  const n = chart.before.length;
  const step = (W - PAD.left - PAD.right) / Math.max(1, n - 1);
  // Runs of pause points as shaded bands.
  const pauses: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    if (chart.pauses[i] !== "1") continue;
    const last = pauses[pauses.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else pauses.push([i, i]);
  }
  const total = n * chart.stepSeconds;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ at: PAD.left + f * (W - PAD.left - PAD.right), label: clock(f * total) }));
  return (
    <figure className="space-y-1" data-testid="loudness-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} className="h-auto w-full rounded border border-slate-200 bg-white">
        {pauses.map(([a, b]) => (
          <rect key={a} x={x(a, n) - step / 2} width={(b - a + 1) * step} y={PAD.top} height={H - PAD.top - PAD.bottom} className="fill-slate-100" />
        ))}
        {[-10, -20, -30, -40].map((l) => (
          <g key={l}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(l)} y2={y(l)} className="stroke-slate-200" strokeWidth={0.5} />
            <text x={PAD.left - 4} y={y(l) + 3} textAnchor="end" className="fill-slate-500" fontSize={9}>{l}</text>
          </g>
        ))}
        <line x1={PAD.left} x2={W - PAD.right} y1={y(targetLufs)} y2={y(targetLufs)} className="stroke-emerald-600" strokeDasharray="4 3" strokeWidth={1} />
        <path d={line(chart.before)} fill="none" className="stroke-slate-400" strokeWidth={1} />
        <path d={line(chart.after)} fill="none" className="stroke-indigo-600" strokeWidth={1.5} />
        {ticks.map((t) => (
          <text key={t.at} x={t.at} y={H - 6} textAnchor="middle" className="fill-slate-500" fontSize={9}>{t.label}</text>
        ))}
      </svg>
      <figcaption className="flex flex-wrap gap-x-4 text-xs text-slate-600">
        <span><span className="mr-1 inline-block h-0.5 w-4 bg-slate-400 align-middle" />Before</span>
        <span><span className="mr-1 inline-block h-0.5 w-4 bg-indigo-600 align-middle" />After leveling</span>
        <span><span className="mr-1 inline-block h-0.5 w-4 border-t border-dashed border-emerald-600 align-middle" />Target {targetLufs} LUFS</span>
        <span><span className="mr-1 inline-block h-2 w-3 bg-slate-100 align-middle" />Pauses</span>
        <span>Short-term loudness (3 s), LUFS</span>
      </figcaption>
    </figure>
  );
}
