import { authed } from "@/lib/api/handler";
import { getEpisode } from "@/lib/data/episodes";
import { openMediaFile } from "@/lib/data/media";
import { serveRanges } from "@/lib/http/ranges";
import { notFound } from "@/lib/errors";

type Params = { id: string };

/** The episode's current audio for its owner, with byte ranges. */
const audio = authed<Params>(
  async ({ req, viewer, params }) => {
    const episode = await getEpisode(viewer, params.id);
    if (!episode.audioFileId) throw notFound("Episode audio");
    const file = await openMediaFile(viewer, episode.audioFileId);
    return serveRanges(req, file, {
      "Cache-Control": "private, max-age=0, must-revalidate",
      "Content-Disposition": `inline; filename="${episode.slug}.mp3"`,
    });
  },
  { allowSession: true },
);

export { audio as GET, audio as HEAD };
