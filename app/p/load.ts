import "server-only";
import { headers } from "next/headers";
import { notFound, permanentRedirect } from "next/navigation";
import { cache } from "react";
import { findRenamedPodcastSlug, getPublicPodcast, getPublishedEpisode } from "@/lib/data/public";
import { isAppError } from "@/lib/errors";
import { publicBaseUrl } from "@/lib/urls";

/**
 * Reads for the public pages, once per request (the page and its generateMetadata share them).
 * Private or unknown podcasts and unpublished episodes become the 404 page; a renamed show's
 * former slug answers 308 to the same page under its current one.
 */
export const loadPodcast = cache((slug: string) => orMoved(getPublicPodcast(slug), slug, ""));

/** `page`: the path under the episode ("" for its page, "/embed" for the player). */
export const loadEpisode = cache((slug: string, episodeSlug: string, page = "") =>
  orMoved(getPublishedEpisode(slug, episodeSlug), slug, `/${encodeURIComponent(episodeSlug)}${page}`),
);

async function orMoved<T>(read: Promise<T>, slug: string, rest: string): Promise<T> {
  try {
    return await read;
  } catch (err) {
    if (!isAppError(err) || err.code !== "not_found") throw err;
  }
  const current = await findRenamedPodcastSlug(slug);
  if (current) permanentRedirect(`/p/${current}${rest}`);
  notFound();
}

/** The absolute base URL for links that leave the page (feed, Open Graph). */
export const loadBaseUrl = cache(async () => publicBaseUrl({ headers: new Headers(await headers()) }));

/** "12 March 2026", in UTC like the feed's dates. */
export const formatPublicDate = (d: Date) => d.toLocaleDateString("en-GB", { dateStyle: "long", timeZone: "UTC" });
