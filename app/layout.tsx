import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/sign-out-button";
import { getSessionUser } from "@/lib/auth/session";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "PodcastPro", template: "%s · PodcastPro" },
  description: "Record, master and publish your podcast from one self-hosted app.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white">
          <nav aria-label="Main" className="mx-auto flex max-w-5xl items-center justify-between px-4 py-3">
            <Link href="/" className="text-lg font-semibold text-indigo-700">
              PodcastPro
            </Link>
            <div className="flex items-center gap-4 text-sm">
              {user ? (
                <>
                  <Link href="/dashboard" className="hover:underline">Dashboard</Link>
                  <Link href="/dashboard/media" className="hover:underline">Media</Link>
                  <Link href="/dashboard/jobs" className="hover:underline">Jobs</Link>
                  <Link href="/dashboard/analytics" className="hover:underline">Analytics</Link>
                  <Link href="/dashboard/settings" className="hover:underline">Settings</Link>
                  <span className="text-slate-500" data-testid="current-user">{user.email}</span>
                  <SignOutButton />
                </>
              ) : (
                <>
                  <Link href="/signin" className="hover:underline">Sign in</Link>
                  <Link href="/signup" className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700">
                    Sign up
                  </Link>
                </>
              )}
            </div>
          </nav>
        </header>
        <main id="main" className="mx-auto max-w-5xl px-4 py-8">
          {children}
        </main>
      </body>
    </html>
  );
}
