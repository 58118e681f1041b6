import type { Metadata } from "next";
import Link from "next/link";
import { ImportForm } from "../import-form";

export const metadata: Metadata = { title: "Import a podcast" };

export default function NewImportPage() {
  return (
    <div className="max-w-2xl space-y-4 rounded-lg border border-slate-200 bg-white p-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/dashboard" className="text-indigo-700 underline">Your podcasts</Link>
      </nav>
      <h1 className="text-2xl font-semibold">Import a podcast</h1>
      <p className="text-slate-700">
        Bring your show from another host. Every episode keeps its GUID, its publish date and its audio exactly as it was, so
        podcast apps see the same show, not a new one. When the import is done, set up a permanent redirect at your old host.
      </p>
      <ImportForm />
    </div>
  );
}
