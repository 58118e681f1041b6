import { subscriberTranscriptRoute } from "@/app/s/serve";

export const GET = subscriberTranscriptRoute("vtt");
