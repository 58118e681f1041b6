// Only the list page streams behind a skeleton: pages that may answer 404 must not start a 200 stream first.
export default function Loading() {
  return (
    <div role="status" aria-live="polite" className="animate-pulse space-y-3">
      <span className="sr-only">Loading…</span>
      <div className="h-8 w-1/3 rounded bg-slate-200" />
      <div className="h-20 rounded bg-slate-200" />
      <div className="h-20 rounded bg-slate-200" />
    </div>
  );
}
