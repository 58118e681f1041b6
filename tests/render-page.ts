import type { ReactNode } from "react";

/**
 * The HTML of a server page's tree, async server components included (the public pages' frame,
 * `ShowChrome`, awaits its accent colour and the session): React's static prerender waits for
 * every component, where `renderToStaticMarkup` cannot.
 */
export async function renderPage(tree: ReactNode): Promise<string> {
  const { prerender } = await import("react-dom/static");
  const { prelude } = await prerender(tree);
  return new Response(prelude).text();
}
