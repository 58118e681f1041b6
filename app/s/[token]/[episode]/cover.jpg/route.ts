import { subscriberCoverRoute } from "@/app/s/serve";

export const GET = subscriberCoverRoute("jpg");
export const HEAD = GET;
