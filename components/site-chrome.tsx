import Link from "next/link";
import type { ReactNode } from "react";
import { getSessionUser } from "@/lib/auth/session";
import { SignOutButton } from "./sign-out-button";
import { SiteMenu } from "./site-menu";

const navLink =
  "flex min-h-11 items-center rounded-md px-2 text-slate-800 hover:bg-slate-100 hover:underline lg:min-h-0 lg:px-0 lg:hover:bg-transparent";

/**
 * The dashboard's header and main area, for the landing, sign-in/up and dashboard layouts.
 * Public show pages (app/p) have their own (components/show-chrome.tsx): listeners never see
 * this navigation or the signed-in user's e-mail.
 */
export async function SiteChrome({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-4 px-4 py-2">
          <Link href="/" className="flex min-h-11 items-center text-lg font-semibold text-indigo-700">
            PodcastPro
          </Link>
          {user ? (
            <SiteMenu>
              <Link href="/dashboard" className={navLink}>Dashboard</Link>
              <Link href="/dashboard/media" className={navLink}>Media</Link>
              <Link href="/dashboard/jobs" className={navLink}>Jobs</Link>
              <Link href="/dashboard/analytics" className={navLink}>Analytics</Link>
              <Link href="/dashboard/settings" className={navLink}>Settings</Link>
              <span className="min-w-0 truncate px-2 py-2 text-slate-600 lg:max-w-56 lg:px-0 lg:py-0" data-testid="current-user" title={user.email}>
                {user.email}
              </span>
              <SignOutButton className={navLink} />
            </SiteMenu>
          ) : (
            <div className="flex items-center gap-2 text-sm">
              <Link href="/signin" className="flex min-h-11 items-center px-2 hover:underline">Sign in</Link>
              <Link href="/signup" className="flex min-h-11 items-center rounded-md bg-indigo-600 px-3 font-medium text-white hover:bg-indigo-700">
                Sign up
              </Link>
            </div>
          )}
        </nav>
      </header>
      <main id="main" className="mx-auto max-w-5xl px-4 py-6 sm:py-8">
        {children}
      </main>
    </>
  );
}
