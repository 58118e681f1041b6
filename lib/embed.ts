import { urls } from "@/lib/urls";

/** The embed player's default frame size: one row of controls, the waveform and a few chapters. */
export const EMBED_WIDTH = 600;
export const EMBED_HEIGHT = 200;

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The `<iframe>` that embeds an episode's player, as the Embed buttons copy it and oEmbed
 * returns it. The title is escaped: it is the podcaster's text inside someone else's HTML.
 */
export function embedIframe(opts: { base: string; slug: string; episodeSlug: string; title: string; width?: number; height?: number; theme?: "light" | "dark" }): string {
  const { width = EMBED_WIDTH, height = EMBED_HEIGHT } = opts;
  const src = urls.embed(opts.base, opts.slug, opts.episodeSlug) + (opts.theme === "dark" ? "?theme=dark" : "");
  return `<iframe src="${escapeAttr(src)}" title="${escapeAttr(opts.title)}" width="${width}" height="${height}" style="border:0;max-width:100%" loading="lazy" allow="autoplay"></iframe>`;
}
