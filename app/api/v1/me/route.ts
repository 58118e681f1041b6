import { authed } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { getProfile } from "@/lib/data/users";

export const GET = authed(async ({ viewer }) => json(await getProfile(viewer)));
