import { Readable } from "node:stream";
import { LENGTH_HEADER } from "@/lib/http/content-length";
import type { DeliveryAnswer } from "./types";

/**
 * A delivery answer as a web Response, for the Next routes (and so Vercel or any other host).
 * Next drops Content-Length from route handlers; LENGTH_HEADER brings it back under `npm start`
 * (lib/http/content-length.ts).
 */
export function toWebResponse(answer: DeliveryAnswer): Response {
  const headers = new Headers(answer.headers);
  const length = answer.headers["Content-Length"];
  if (length !== undefined) headers.set(LENGTH_HEADER, length);
  if (answer.stream) {
    const body = Readable.toWeb(answer.stream.open()) as ReadableStream<Uint8Array>;
    return new Response(countBytesSent(body, answer.stream.sent), { status: answer.status, headers });
  }
  return new Response(answer.body ? (answer.body as unknown as BodyInit) : null, { status: answer.status, headers });
}

/**
 * `body`, telling `onEnd` how many bytes the client pulled, once: when it is finished, fails,
 * or is cancelled (the listener went away).
 */
function countBytesSent(source: ReadableStream<Uint8Array>, onEnd: (sent: number) => void): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let sent = 0;
  let ended = false;
  const end = () => {
    if (!ended) onEnd(sent);
    ended = true;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await reader.read();
          if (done) {
            controller.close();
            end();
            return;
          }
          sent += value.byteLength;
          controller.enqueue(value);
        } catch (err) {
          controller.error(err);
          end();
        }
      },
      cancel(reason) {
        end();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
