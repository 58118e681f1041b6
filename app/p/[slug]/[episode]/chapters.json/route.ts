import { chaptersRoute } from "@/app/p/serve";

export const GET = chaptersRoute;
