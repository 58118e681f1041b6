import Link from "next/link";
import { buttonClass } from "@/components/styles";
import { getSessionUser } from "@/lib/auth/session";

export default async function LandingPage() {
  const user = await getSessionUser();
  return (
    <div className="space-y-10 py-10">
      <section className="space-y-4 text-center">
        <h1 className="text-4xl font-bold tracking-tight">Your podcast, produced and published from one place</h1>
        <p className="mx-auto max-w-2xl text-lg text-slate-600">
          Upload a raw recording and PodcastPro masters it to podcast loudness standards, adds your intro and outro,
          tags it, and publishes it with a feed that Apple Podcasts, Spotify and every podcast app accept. Self-hosted:
          your shows stay on your server.
        </p>
        <div className="flex justify-center gap-3">
          {user ? (
            <Link href="/dashboard" className={buttonClass()}>Go to your dashboard</Link>
          ) : (
            <>
              <Link href="/signup" className={buttonClass()}>Create an account</Link>
              <Link href="/signin" className={buttonClass("secondary")}>Sign in</Link>
            </>
          )}
        </div>
      </section>
      <section className="grid gap-4 sm:grid-cols-3">
        {[
          ["Master", "Loudness normalised to −16 LUFS, clean-up, intro and outro, MP3 with chapters and cover art."],
          ["Publish", "A public page, a player and an RSS feed podcast apps accept, on your own domain."],
          ["Automate", "Everything in the dashboard is also in a versioned REST API with bearer tokens."],
        ].map(([title, text]) => (
          <div key={title} className="rounded-lg border border-slate-200 bg-white p-5">
            <h2 className="font-semibold">{title}</h2>
            <p className="mt-1 text-sm text-slate-600">{text}</p>
          </div>
        ))}
      </section>
    </div>
  );
}
