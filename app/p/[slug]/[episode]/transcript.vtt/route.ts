import { transcriptRoute } from "@/app/p/serve";

export const GET = transcriptRoute("vtt");
