import { jsonLdText } from "@/lib/structured-data";

/** Structured data for search engines; a data block, never run as script (so no nonce needed). */
export function JsonLd({ data }: { data: unknown }) {
  return <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLdText(data) }} />;
}
