import { subscriberChaptersRoute } from "@/app/s/serve";

export const GET = subscriberChaptersRoute;
