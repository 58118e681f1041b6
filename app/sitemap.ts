import type { MetadataRoute } from "next";
import { headers } from "next/headers";
import { listSitemapEntries } from "@/lib/data/public";
import { publicBaseUrl, urls } from "@/lib/urls";

// Read at request time: shows and episodes change, and the build has no database.
export const dynamic = "force-dynamic";

/** /sitemap.xml: public shows and their published episodes, nothing private or unpublished. */
export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const base = publicBaseUrl({ headers: new Headers(await headers()) });
  const entries: MetadataRoute.Sitemap = [{ url: `${base}/`, changeFrequency: "monthly", priority: 0.3 }];
  for (const show of await listSitemapEntries()) {
    entries.push({ url: urls.podcast(base, show.slug), lastModified: show.updatedAt, changeFrequency: "weekly", priority: 0.8 });
    for (const e of show.episodes) {
      entries.push({ url: urls.episode(base, show.slug, e.slug), lastModified: e.updatedAt, changeFrequency: "monthly", priority: 0.6 });
    }
  }
  return entries;
}
