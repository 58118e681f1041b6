import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "PodcastPro", template: "%s · PodcastPro" },
  description: "Record, master and publish your podcast from one self-hosted app.",
};

/**
 * The document only. The dashboard's header lives in the landing, sign-in/up and dashboard
 * layouts (components/site-chrome.tsx); public show pages bring their own (components/show-chrome.tsx).
 * Each provides the `<main id="main">` the skip link goes to.
 */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:p-2">
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}
