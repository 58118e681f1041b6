import { authed } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { getEpisodeWaveform } from "@/lib/data/processing";
import { notFound } from "@/lib/errors";

/** Peaks of the episode's current audio (audiowaveform JSON), for the player. */
export const GET = authed<{ id: string }>(
  async ({ viewer, params }) => {
    const waveform = await getEpisodeWaveform(viewer, params.id);
    if (!waveform) throw notFound("Waveform");
    return json(waveform, 200, { "Cache-Control": "private, max-age=0, must-revalidate" });
  },
  { allowSession: true },
);
