/**
 * An episode title proposed from a recording's file name: the extension dropped, underscores
 * and dashes turned into spaces, runs of spaces squeezed ("ep_12-the-pilot.wav" → "ep 12 the pilot").
 */
export function titleFromFileName(name: string): string {
  const base = name.replace(/^.*[\\/]/, "").replace(/\.[^.\s]{1,5}$/, "");
  return base.replace(/[_-]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 200);
}
