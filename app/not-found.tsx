import Link from "next/link";

/** The 404 of any address, public ones included: no dashboard navigation, no session. */
export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-5xl px-4 py-8">
      <div className="rounded-lg border border-slate-200 bg-white p-8 text-center">
        <h1 className="text-2xl font-semibold">Not found</h1>
        <p className="mt-2 text-slate-600">There is nothing here.</p>
        <Link href="/" className="mt-4 inline-flex min-h-11 items-center text-indigo-700 underline">Go to the home page</Link>
      </div>
    </main>
  );
}
