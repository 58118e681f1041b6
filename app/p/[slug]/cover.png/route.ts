import { coverRoute } from "@/app/p/serve";

/** The podcast's cover, when it is a PNG (the URL's extension always matches the file's type). */
export const GET = coverRoute("png");
export const HEAD = GET;
