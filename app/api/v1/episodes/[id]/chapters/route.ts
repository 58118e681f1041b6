import { z } from "zod";
import { authed, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { parseJsonChapters, toJsonChapters } from "@/lib/chapters";
import { getChapters, invalidFile, setChapters } from "@/lib/data/episode-extras";

type Params = { id: string };

/** The episode's chapters as Podcasting 2.0 JSON chapters (an empty list when it has none). */
export const GET = authed<Params>(
  async ({ viewer, params }) => json(toJsonChapters(await getChapters(viewer, params.id))),
  { allowSession: true },
);

/**
 * Replaces the chapters. Body: Podcasting 2.0 JSON chapters (Content-Type application/json or
 * application/json+chapters), `{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}]}`;
 * start times in seconds, ascending; every chapter titled. An empty list removes the chapters.
 * They are written into the MP3 the next time the episode is processed.
 */
export const PUT = authed<Params>(
  async ({ req, viewer, params }) => {
    const body = await readJson(req, z.record(z.string(), z.unknown()));
    const parsed = parseJsonChapters(body);
    if (!parsed.ok) throw invalidFile(parsed, parsed.path ?? "chapters");
    return json(toJsonChapters(await setChapters(viewer, params.id, parsed.chapters)));
  },
  { allowSession: true },
);
