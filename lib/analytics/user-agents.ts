import { isbot } from "isbot";

/**
 * Names the podcast app and device behind a User-Agent and tells bots apart.
 *
 * Bots and crawlers come from `isbot` (a maintained list). It also flags the plain
 * `Name/1.0` agents that many podcast apps and players send (Overcast, AntennaPod, okhttp…),
 * so the podcast apps and player libraries below are matched first and win over it. The app
 * list is a small curated one in the spirit of the OPAWG podcast user-agent list (none is
 * published on npm); add an app here with a test in user-agents.test.ts.
 */

export interface Agent {
  bot: boolean;
  app: string; // "Other" when not recognised
  device: string; // "Other" when not recognised
}

/** Agents that fetch audio for machines, not listeners, even though they name an app. */
const BOTS: RegExp[] = [
  /Podcast Sync|Feed ?Parser|feedfetcher|crawler|spider|\bbot\b|[a-z]bot\b|preview|validator|uptime|monitor/i,
];

/** Podcast apps, services and browsers, most specific first. */
const APPS: { app: string; patterns: RegExp[] }[] = [
  { app: "Apple Podcasts", patterns: [/^Podcasts\/\d/, /^Balados\/\d/, /^Podcast(?:s|y|i|er)?\/.*\bCFNetwork\//, /\batc\/[\d.]+ watchOS\//, /^AppleCoreMedia\/[\w.]+ \((?:iPhone|iPad|iPod|Macintosh|Apple ?TV|HomePod)/] },
  { app: "Spotify", patterns: [/^Spotify\b/i, /\bSpotify\/\d/i] },
  { app: "Overcast", patterns: [/^Overcast\//] },
  { app: "Pocket Casts", patterns: [/Pocket ?Casts/i] },
  { app: "Castro", patterns: [/^Castro\b/] },
  { app: "Podcast Addict", patterns: [/Podcast ?Addict/i] },
  { app: "AntennaPod", patterns: [/AntennaPod/i] },
  { app: "Castbox", patterns: [/CastBox/i] },
  { app: "YouTube Music", patterns: [/com\.google\.android\.apps\.youtube\.music|YouTube ?Music/i] },
  { app: "Google Podcasts", patterns: [/Google-?Podcasts?|com\.google\.android\.apps\.podcasts/i] },
  { app: "Amazon Music", patterns: [/Amazon ?Music/i] },
  { app: "Alexa", patterns: [/AlexaMediaPlayer|AlexaService|\bEcho\//i] },
  { app: "Deezer", patterns: [/Deezer/i] },
  { app: "iHeartRadio", patterns: [/iHeartRadio/i] },
  { app: "Stitcher", patterns: [/Stitcher/i] },
  { app: "Player FM", patterns: [/Player ?FM/i] },
  { app: "Podbean", patterns: [/Podbean/i] },
  { app: "Podcast Republic", patterns: [/Podcast ?Republic/i] },
  { app: "TuneIn", patterns: [/TuneIn/i] },
  { app: "Pandora", patterns: [/^Pandora\//i] },
  { app: "Sonos", patterns: [/Sonos/i] },
  { app: "gPodder", patterns: [/gPodder/i] },
  // Podcasting 2.0 apps listed by the Podcast Index.
  { app: "Fountain", patterns: [/^Fountain\b/i] },
  { app: "Podverse", patterns: [/Podverse/i] },
  { app: "Castamatic", patterns: [/Castamatic/i] },
  { app: "Podcast Guru", patterns: [/Podcast ?Guru/i] },
  { app: "Podfriend", patterns: [/Podfriend/i] },
  { app: "CurioCaster", patterns: [/CurioCaster/i] },
  { app: "Breez", patterns: [/^Breez\b/i] },
  { app: "TrueFans", patterns: [/TrueFans/i] },
  { app: "VLC", patterns: [/^VLC\//i, /\bLibVLC\//i] },
  // Browsers last: apps often carry "Mozilla/… Safari/…" too.
  { app: "Edge", patterns: [/^Mozilla\/.*\bEdg(?:e|A|iOS)?\//] },
  { app: "Opera", patterns: [/^Mozilla\/.*\b(?:OPR|Opera)\//] },
  { app: "Firefox", patterns: [/^Mozilla\/.*\b(?:Firefox|FxiOS)\//] },
  { app: "Chrome", patterns: [/^Mozilla\/.*\b(?:Chrome|CriOS)\//] },
  { app: "Safari", patterns: [/^Mozilla\/.*\bVersion\/[\d.]+.*Safari\//] },
];

/** Player libraries that apps use to fetch audio: listeners, though the app is unknown. */
const PLAYER_LIBRARIES = [/okhttp/i, /ExoPlayer/i, /^Lavf\//, /stagefright/i, /^Dalvik\//, /\bCFNetwork\//, /^AppleCoreMedia\//, /^NSPlayer\//];

const DEVICES: { device: string; pattern: RegExp }[] = [
  { device: "Apple Watch", pattern: /Apple ?Watch|watchOS/i },
  { device: "HomePod", pattern: /HomePod/i },
  { device: "Apple TV", pattern: /Apple ?TV|tvOS/i },
  { device: "iPad", pattern: /iPad/ },
  { device: "iPhone", pattern: /iPhone|iPod|\biOS\b|CPU OS/ },
  { device: "Smart speaker", pattern: /Alexa|\bEcho\/|Sonos|Google ?Home|CrKey|\bNest\b/i },
  { device: "Android", pattern: /Android/i },
  { device: "Chromebook", pattern: /CrOS/ },
  { device: "Windows", pattern: /Windows/i },
  { device: "Mac", pattern: /Macintosh|Mac OS X|macOS/i },
  // CFNetwork + Darwin without "Macintosh" is how iOS apps identify themselves.
  { device: "iPhone", pattern: /CFNetwork\/.*Darwin\// },
  { device: "Linux", pattern: /Linux|X11/i },
];

const matchApp = (ua: string) => APPS.find((a) => a.patterns.some((p) => p.test(ua)))?.app;
const matchDevice = (ua: string) => DEVICES.find((d) => d.pattern.test(ua))?.device ?? "Other";

/** Who is asking for the audio: a bot (not counted) or a listener's app on a device. */
export function classifyUserAgent(userAgent: string): Agent {
  const ua = userAgent.trim();
  // No User-Agent at all is a script, never a podcast app.
  if (!ua) return { bot: true, app: "Other", device: "Other" };
  const device = matchDevice(ua);
  if (BOTS.some((p) => p.test(ua))) return { bot: true, app: matchApp(ua) ?? "Other", device };
  const app = matchApp(ua);
  if (app) return { bot: false, app, device };
  if (PLAYER_LIBRARIES.some((p) => p.test(ua))) return { bot: false, app: "Other", device };
  return { bot: isbot(ua), app: "Other", device };
}
