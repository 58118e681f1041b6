import { coverRoute } from "@/app/p/serve";

/** The podcast's cover, when it is a JPG (the URL's extension always matches the file's type). */
export const GET = coverRoute("jpg");
export const HEAD = GET;
