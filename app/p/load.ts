import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { orNotFound } from "@/lib/dashboard";
import { getPublicPodcast, getPublishedEpisode } from "@/lib/data/public";
import { publicBaseUrl } from "@/lib/urls";

/**
 * Reads for the public pages, once per request (the page and its generateMetadata share them).
 * Private or unknown podcasts and unpublished episodes become the 404 page.
 */
export const loadPodcast = cache((slug: string) => orNotFound(getPublicPodcast(slug)));

export const loadEpisode = cache((slug: string, episodeSlug: string) => orNotFound(getPublishedEpisode(slug, episodeSlug)));

/** The absolute base URL for links that leave the page (feed, Open Graph). */
export const loadBaseUrl = cache(async () => publicBaseUrl({ headers: new Headers(await headers()) }));

/** "12 March 2026", in UTC like the feed's dates. */
export const formatPublicDate = (d: Date) => d.toLocaleDateString("en-GB", { dateStyle: "long", timeZone: "UTC" });
