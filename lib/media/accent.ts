import { accentFromPixels, toHex } from "@/lib/colour";
import { COMMON_ARGS, startTool, userInput } from "./ffmpeg";

/** The thumbnail's side: enough pixels to tell a logo from its ground, few enough to be instant. */
const SIDE = 16;

/**
 * A cover's accent colour ("#rrggbb"): ffmpeg decodes the JPEG or PNG and scales it to a 16×16
 * rgb24 thumbnail on stdout; `accentFromPixels` (lib/colour.ts) picks the colour.
 */
export async function coverAccentColour(file: string, opts: { signal?: AbortSignal } = {}): Promise<string> {
  const proc = startTool(
    "ffmpeg",
    [...COMMON_ARGS, "-v", "error", ...userInput(file), "-frames:v", "1", "-vf", `scale=${SIDE}:${SIDE}:flags=area,format=rgb24`, "-f", "rawvideo", "pipe:1"],
    { stdout: "pipe", timeoutMs: 30_000, signal: opts.signal, label: "cover colour" },
  );
  const chunks: Buffer[] = [];
  for await (const chunk of proc.stdout! as AsyncIterable<Buffer>) chunks.push(chunk);
  await proc.done;
  return toHex(accentFromPixels(Buffer.concat(chunks)));
}
