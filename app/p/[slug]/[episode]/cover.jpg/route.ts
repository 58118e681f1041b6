import { coverRoute } from "@/app/p/serve";

/** The episode's own cover, when it has one and it is a JPG. */
export const GET = coverRoute("jpg");
export const HEAD = GET;
