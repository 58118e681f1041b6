import { waveformRoute } from "@/app/p/serve";

export const GET = waveformRoute;
