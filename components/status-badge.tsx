const COLORS: Record<string, string> = {
  completed: "bg-green-100 text-green-800",
  succeeded: "bg-green-100 text-green-800",
  published: "bg-green-100 text-green-800",
  ready: "bg-green-100 text-green-800",
  running: "bg-blue-100 text-blue-800",
  processing: "bg-blue-100 text-blue-800",
  queued: "bg-slate-100 text-slate-700",
  sleeping: "bg-amber-100 text-amber-800",
  scheduled: "bg-amber-100 text-amber-800",
  retrying: "bg-amber-100 text-amber-800",
  failed: "bg-red-100 text-red-800",
  cancelled: "bg-slate-200 text-slate-700",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`rounded px-2 py-0.5 text-xs font-medium uppercase ${COLORS[status] ?? "bg-slate-100 text-slate-700"}`}>
      {status}
    </span>
  );
}
