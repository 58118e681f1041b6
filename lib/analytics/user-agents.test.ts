import { describe, expect, it } from "vitest";
import { classifyUserAgent } from "./user-agents";

// Real-world shaped User-Agents of the major podcast apps: [UA, app, device].
const APPS: [string, string, string][] = [
  ["AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4_1 like Mac OS X; en_us)", "Apple Podcasts", "iPhone"],
  ["Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0", "Apple Podcasts", "iPhone"],
  ["AppleCoreMedia/1.0.0.21E236 (iPad; U; CPU OS 17_4 like Mac OS X; en_gb)", "Apple Podcasts", "iPad"],
  ["Podcasts/1.1.0 (Macintosh; OS X 14.4.1; 23E224) AppleWebKit/618.1.15.11.14", "Apple Podcasts", "Mac"],
  ["atc/1.0 watchOS/10.4 model/Watch6,2 hwp/t8301 build/21T216 (6; dt:226) amsf/1", "Apple Podcasts", "Apple Watch"],
  ["Spotify/8.9.34 iOS/17.4.1 (iPhone15,2)", "Spotify", "iPhone"],
  ["Spotify/8.9.34.590 Android/34 (SM-S918B)", "Spotify", "Android"],
  ["Overcast/3.0 (+http://overcast.fm/; iOS podcast app)", "Overcast", "iPhone"],
  ["Pocket Casts/7.60 (iPhone; iOS 17.4.1)", "Pocket Casts", "iPhone"],
  ["Castro 2024.4/1234 (iPhone)", "Castro", "iPhone"],
  ["PodcastAddict/v5 (+https://podcastaddict.com/; Android podcast app)", "Podcast Addict", "Android"],
  ["AntennaPod/3.4.0", "AntennaPod", "Other"],
  ["CastBox/9.20.1-240401 (Linux;Android 14) ExoPlayerLib/2.10.4", "Castbox", "Android"],
  ["Mozilla/5.0 (Linux; Android 13) Google-Podcasts/2.0", "Google Podcasts", "Android"],
  ["com.google.android.apps.youtube.music/6.45.54 (Linux; U; Android 14; en_US; Pixel 8) gzip", "YouTube Music", "Android"],
  ["AmazonMusic/24.6.2 iPhone/17.4.1 (iPhone14,5)", "Amazon Music", "iPhone"],
  ["AlexaMediaPlayer/2.1.4676.0 (Linux;Android 5.1.1) ExoPlayerLib/1.5.9", "Alexa", "Smart speaker"],
  ["Fountain/1.0.12 (Android 14)", "Fountain", "Android"],
  ["Podverse/4.15.3 Android Mobile App", "Podverse", "Android"],
  ["Castamatic/9.1 (iPhone; iOS 17.4)", "Castamatic", "iPhone"],
  ["Podcast Guru/3.2 (Android 13)", "Podcast Guru", "Android"],
  ["Deezer/7.0.31.5 (Android; 14; Mobile; fr) samsung SM-A546B", "Deezer", "Android"],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", "Chrome", "Windows"],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80", "Edge", "Windows"],
  ["Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "Firefox", "Linux"],
  ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15", "Safari", "Mac"],
  ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Safari", "iPhone"],
  ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", "Chrome", "Android"],
];

describe("podcast apps and devices", () => {
  it.each(APPS)("%s → %s on %s", (ua, app, device) => {
    expect(classifyUserAgent(ua)).toEqual({ bot: false, app, device });
  });

  it("counts player libraries as listeners with an unknown app", () => {
    expect(classifyUserAgent("okhttp/4.12.0")).toEqual({ bot: false, app: "Other", device: "Other" });
    expect(classifyUserAgent("Lavf/60.3.100")).toMatchObject({ bot: false, app: "Other" });
    expect(classifyUserAgent("stagefright/1.2 (Linux;Android 9)")).toEqual({ bot: false, app: "Other", device: "Android" });
  });
});

describe("bots", () => {
  it.each([
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Overcast/1.0 Podcast Sync (123 subscribers; feed-id=456; +http://overcast.fm/)",
    "PocketCasts/1.0 (Pocket Casts Feed Parser; +http://pocketcasts.com/)",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.31.0",
    "Go-http-client/2.0",
    "",
    "   ",
  ])("%j is excluded", (ua) => {
    expect(classifyUserAgent(ua).bot).toBe(true);
  });
});
