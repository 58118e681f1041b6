import { authed } from "@/lib/api/handler";
import { openEpisodeAudio } from "@/lib/data/media";
import { serveRanges } from "@/lib/http/ranges";

type Params = { id: string };

/** The episode's current audio for the members of its show, with byte ranges. */
const audio = authed<Params>(
  async ({ req, viewer, params }) => {
    const file = await openEpisodeAudio(viewer, params.id);
    return serveRanges(req, file, {
      "Cache-Control": "private, max-age=0, must-revalidate",
      "Content-Disposition": `inline; filename="${file.slug}.mp3"`,
    });
  },
  { allowSession: true },
);

export { audio as GET, audio as HEAD };
