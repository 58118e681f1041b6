import Link from "next/link";

export default function NotFound() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-8 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600">There is nothing here.</p>
      <Link href="/" className="mt-4 inline-block text-indigo-700 underline">Go to the home page</Link>
    </div>
  );
}
