import { subscriberCoverRoute } from "@/app/s/serve";

export const GET = subscriberCoverRoute("png");
export const HEAD = GET;
