import { authed } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { getImport } from "@/lib/data/imports";

type Params = { id: string };

export const GET = authed<Params>(async ({ viewer, params }) => json(await getImport(viewer, params.id)));
