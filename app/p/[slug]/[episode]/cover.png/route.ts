import { coverRoute } from "@/app/p/serve";

/** The episode's own cover, when it has one and it is a PNG. */
export const GET = coverRoute("png");
export const HEAD = GET;
