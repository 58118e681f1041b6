import type { DownloadsReport } from "@/lib/data/analytics";

const BAR = 10;
const GAP = 2;
const HEIGHT = 120;

/** Downloads per day as plain SVG bars (each with a tooltip), plus the numbers as a table for screen readers. */
export function DailyChart({ daily }: { daily: DownloadsReport["daily"] }) {
  const max = Math.max(1, ...daily.map((d) => d.downloads));
  const width = daily.length * (BAR + GAP);
  return (
    <figure className="space-y-2">
      <div className="flex gap-2">
        <div className="flex flex-col justify-between text-right text-xs text-slate-500" aria-hidden="true">
          <span>{max}</span>
          <span>0</span>
        </div>
        <svg
          viewBox={`0 0 ${width} ${HEIGHT}`}
          preserveAspectRatio="none"
          className="h-40 w-full rounded border border-slate-100 bg-slate-50"
          role="img"
          aria-label={`Downloads per day from ${daily[0]?.day} to ${daily.at(-1)?.day}`}
          data-testid="daily-chart"
        >
          {daily.map((d, i) => {
            const h = (d.downloads / max) * (HEIGHT - 4);
            return (
              <rect key={d.day} x={i * (BAR + GAP) + GAP / 2} y={HEIGHT - h} width={BAR} height={Math.max(h, d.downloads ? 1 : 0)} className="fill-indigo-500">
                <title>{`${d.day}: ${d.downloads} download${d.downloads === 1 ? "" : "s"}`}</title>
              </rect>
            );
          })}
        </svg>
      </div>
      <figcaption className="flex justify-between pl-6 text-xs text-slate-500">
        <span>{daily[0]?.day}</span>
        <span>{daily.at(-1)?.day}</span>
      </figcaption>
      <table className="sr-only">
        <caption>Downloads per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Downloads</th>
          </tr>
        </thead>
        <tbody>
          {daily.map((d) => (
            <tr key={d.day}>
              <td>{d.day}</td>
              <td>{d.downloads}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
