import Link from "next/link";
import type { CSSProperties, ReactNode } from "react";
import { getSessionUser } from "@/lib/auth/session";
import { accentTheme } from "@/lib/colour";
import { backfillAccentColor } from "@/lib/data/accent";
import { isPodcastMember } from "@/lib/data/podcasts";
import type { PublicPodcast } from "@/lib/data/public";
import { urls } from "@/lib/urls";

/** Shows without a cover (or whose cover could not be read) get the app's indigo. */
const DEFAULT_ACCENT = "#4338ca";

/**
 * The frame of a show's public pages: a band in the show's accent colour (from its cover) with
 * its cover and name, and for the show's owner one "Edit in dashboard" link — never the
 * dashboard's navigation or the signed-in user's e-mail. Pages inside use `var(--accent-link)`
 * for text in the accent colour on their light grounds.
 */
export async function ShowChrome({ podcast, children }: { podcast: PublicPodcast; children: ReactNode }) {
  const accentColor = podcast.accentColor ?? (podcast.cover ? await backfillAccentColor(podcast.id, podcast.cover.id) : null);
  const theme = accentTheme(accentColor ?? DEFAULT_ACCENT)!;
  const user = await getSessionUser();
  const member = user ? await isPodcastMember({ userId: user.id }, podcast.id) : false;
  const style = { "--accent": theme.background, "--accent-text": theme.text, "--accent-link": theme.onLight } as CSSProperties;
  return (
    <div style={style} data-accent={theme.background} className="min-h-screen">
      <header className="bg-[var(--accent)] text-[var(--accent-text)]" data-testid="show-band">
        <div className="mx-auto flex max-w-5xl items-center justify-between gap-3 px-4 py-2">
          <Link href={urls.podcast("", podcast.slug)} className="flex min-h-11 min-w-0 items-center gap-3 font-semibold">
            {podcast.cover && (
              // eslint-disable-next-line @next/next/no-img-element -- our own cover route, already sized
              <img src={urls.cover("", podcast.slug, podcast.cover.mimeType)} alt="" width={36} height={36} className="h-9 w-9 shrink-0 rounded" />
            )}
            <span className="truncate">{podcast.title}</span>
          </Link>
          {member && (
            <Link href={`/dashboard/podcasts/${podcast.id}`} className="flex min-h-11 shrink-0 items-center text-sm underline">
              Edit in dashboard
            </Link>
          )}
        </div>
      </header>
      <main id="main" className="mx-auto max-w-5xl px-4 py-6 sm:py-8">
        {children}
      </main>
    </div>
  );
}
