import { z } from "zod";
import { authed, readJson, readTextLimited } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { getTranscript, removeTranscript, setTranscript } from "@/lib/data/episode-extras";
import { AppError, notFound } from "@/lib/errors";
import { MAX_TRANSCRIPT_BYTES, TRANSCRIPT_CONTENT_TYPES, TRANSCRIPT_FORMATS, detectTranscriptFormat, type TranscriptFormat } from "@/lib/transcripts";

type Params = { id: string };

const transcriptBodySchema = z.strictObject({
  format: z.enum(TRANSCRIPT_FORMATS, { error: 'Use "srt" or "vtt".' }),
  text: z.string({ error: "Send the transcript file's text." }).min(1, "The transcript is empty."),
});

/** The transcript file's own types; text/plain is sniffed (WEBVTT header or not). */
const RAW_TYPES: Record<string, TranscriptFormat | "sniff"> = {
  "text/vtt": "vtt",
  "application/x-subrip": "srt",
  "application/srt": "srt",
  "text/srt": "srt",
  "text/plain": "sniff",
};


/** The episode's transcript file, with its own content type (404 when there is none). */
export const GET = authed<Params>(
  async ({ viewer, params }) => {
    const transcript = await getTranscript(viewer, params.id);
    if (!transcript) throw notFound("Transcript");
    return new Response(transcript.text, {
      headers: { "Content-Type": `${TRANSCRIPT_CONTENT_TYPES[transcript.format]}; charset=utf-8`, "Cache-Control": "private, no-cache" },
    });
  },
  { allowSession: true },
);

/**
 * Sets the transcript. Body: the file itself (Content-Type text/vtt, application/x-subrip, or
 * text/plain to detect the format), or JSON `{"format": "srt"|"vtt", "text": "…"}`. At most
 * 1 MB. A bad file is 422 with the first problem's line: `Line 7: expected a timing line …`.
 */
export const PUT = authed<Params>(
  async ({ req, viewer, params }) => {
    const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    let input: { text: string; format: TranscriptFormat };
    const raw = RAW_TYPES[type];
    if (raw) {
      if (Number(req.headers.get("content-length") ?? 0) > MAX_TRANSCRIPT_BYTES) throw new AppError("too_large", "The transcript is larger than 1 MB.");
      const text = await readTextLimited(req, MAX_TRANSCRIPT_BYTES, "The transcript is larger than 1 MB.");
      input = { text, format: raw === "sniff" ? detectTranscriptFormat(text) : raw };
    } else if (/^application\/([\w.+-]+\+)?json$/.test(type)) {
      input = await readJson(req, transcriptBodySchema);
    } else {
      throw new AppError(
        "unsupported_media",
        'Send the file with Content-Type text/vtt or application/x-subrip, or JSON {"format", "text"} with Content-Type application/json.',
      );
    }
    return json(await setTranscript(viewer, params.id, input));
  },
  { allowSession: true },
);

export const DELETE = authed<Params>(
  async ({ viewer, params }) => {
    await removeTranscript(viewer, params.id);
    return new Response(null, { status: 204 });
  },
  { allowSession: true },
);
