import { authed, readTextLimited } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { importSubscribers } from "@/lib/data/subscribers";
import { AppError } from "@/lib/errors";

type Params = { id: string };

const MAX_CSV_BYTES = 2 * 1024 * 1024;

/** Adds many subscribers from a text/csv body of `name,email` lines: `{ created, skipped, errors }`. */
export const POST = authed<Params>(async ({ req, viewer, params }) => {
  const readCsv = async () => {
    if (!/^text\/(csv|plain)\b/i.test(req.headers.get("content-type") ?? "")) {
      throw new AppError("unsupported_media", "Send the subscribers as CSV with Content-Type: text/csv.");
    }
    return readTextLimited(req, MAX_CSV_BYTES, "The CSV is larger than 2 MB.");
  };
  return json(await importSubscribers(viewer, params.id, readCsv));
});
