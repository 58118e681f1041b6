import type { InngestFunction } from "inngest";
import { importEpisode } from "./import-episode";
import { importPodcast } from "./import-podcast";
import { pingWebSubHubs } from "./ping-websub-hubs";
import { processEpisode } from "./process-episode";
import { publishEpisode } from "./publish-episode";

/**
 * Every function the app serves at /api/inngest and runs in the embedded executor. One
 * function per file in this folder; add each here.
 */
export const functions: InngestFunction.Any[] = [processEpisode, publishEpisode, importPodcast, importEpisode, pingWebSubHubs];
