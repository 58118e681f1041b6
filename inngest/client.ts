import { Inngest } from "inngest";
import { inngestClientOptions } from "@/lib/jobs/mode";

/**
 * The app's Inngest client. With an Inngest server configured (lib/env.ts) it sends events
 * there; otherwise to the embedded executor in this process (lib/jobs/), through a custom
 * fetch. Either way `inngest.send()` and `step.sendEvent()` are all a caller needs.
 */
export const inngest = new Inngest({ id: "podcastpro", ...inngestClientOptions() });
