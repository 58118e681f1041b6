import { authed } from "@/lib/api/handler";
import { openMediaFile } from "@/lib/data/media";
import { serveRanges } from "@/lib/http/ranges";
import { deliveryUrl } from "@/lib/storage";

type Params = { id: string };

/** The file's bytes for its owner (previews in the media library), with byte ranges. */
const content = authed<Params>(
  async ({ req, viewer, params }) => {
    const file = await openMediaFile(viewer, params.id);
    const disposition = `inline; filename*=UTF-8''${encodeURIComponent(file.filename)}`;
    // With object storage: a short-lived presigned URL, never the public CDN (library files are private).
    const location = await deliveryUrl(file.storageKey, { private: true, contentType: file.contentType, contentDisposition: disposition });
    if (location) return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-store" } });
    return serveRanges(req, file, {
      "Cache-Control": "private, max-age=0, must-revalidate",
      "Content-Disposition": disposition,
      "X-Content-Type-Options": "nosniff",
    });
  },
  { allowSession: true },
);

export { content as GET, content as HEAD };
