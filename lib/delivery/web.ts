import { LENGTH_HEADER } from "@/lib/http/content-length";
import { webBody } from "@/lib/http/web-body";
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
  if (answer.stream) return new Response(webBody(answer.stream.open, answer.stream.sent), { status: answer.status, headers });
  return new Response(answer.body ? (answer.body as unknown as BodyInit) : null, { status: answer.status, headers });
}
