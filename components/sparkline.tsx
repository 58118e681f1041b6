const WIDTH = 120;
const HEIGHT = 32;

/**
 * A small line of downloads per day as inline SVG (no script, no library). Screen readers get
 * the total and the busiest day from the label; the chart itself is decoration around it.
 */
export function Sparkline({ daily, label }: { daily: { day: string; downloads: number }[]; label: string }) {
  const max = Math.max(1, ...daily.map((d) => d.downloads));
  const step = daily.length > 1 ? WIDTH / (daily.length - 1) : WIDTH;
  const points = daily.map((d, i) => `${(i * step).toFixed(1)},${(HEIGHT - 2 - (d.downloads / max) * (HEIGHT - 4)).toFixed(1)}`);
  const busiest = daily.reduce<{ day: string; downloads: number } | null>((best, d) => (d.downloads > (best?.downloads ?? 0) ? d : best), null);
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
      role="img"
      aria-label={busiest ? `${label}; busiest day ${busiest.day} with ${busiest.downloads}` : `${label}; none yet`}
      data-testid="sparkline"
      className="shrink-0 overflow-visible"
    >
      <polygon points={`0,${HEIGHT} ${points.join(" ")} ${WIDTH},${HEIGHT}`} className="fill-indigo-100" />
      <polyline points={points.join(" ")} fill="none" strokeWidth={1.5} strokeLinejoin="round" className="stroke-indigo-600" />
    </svg>
  );
}
