import { authed, readJson, readQuery } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { listImports, startImport } from "@/lib/data/imports";
import { paginationSchema } from "@/lib/validation/common";
import { createImportSchema } from "@/lib/validation/import";

export const GET = authed(async ({ req, viewer }) => json(await listImports(viewer, readQuery(req, paginationSchema))));

/** Starts an import (or a sync of a feed imported before): 202, then poll GET /imports/{id}. */
export const POST = authed(async ({ req, viewer }) => {
  const { feedUrl } = await readJson(req, createImportSchema);
  const started = await startImport(viewer, feedUrl);
  return json({ id: started.id, status: started.status, podcastId: started.podcastId }, 202, { Location: `/api/v1/imports/${started.id}` });
});
