import type { MetadataRoute } from "next";
import { headers } from "next/headers";
import { publicBaseUrl } from "@/lib/urls";

export const dynamic = "force-dynamic";

/** /robots.txt: public pages may be crawled; the dashboard, the API and sign-in may not. */
export default async function robots(): Promise<MetadataRoute.Robots> {
  const base = publicBaseUrl({ headers: new Headers(await headers()) });
  return {
    rules: { userAgent: "*", allow: "/", disallow: ["/dashboard", "/api/", "/signin", "/signup", "/s/"] },
    sitemap: `${base}/sitemap.xml`,
  };
}
