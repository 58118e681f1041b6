import { notifyExecutors } from "./executor";
import { insertEvents, type IncomingEvent } from "./events";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/**
 * The `fetch` of the embedded client: answers the Inngest event API (`POST /e/<key>`) by storing
 * the events for the executor, durably, and waking it. Any other Inngest API (realtime,
 * signals, REST) does not exist without a server: it fails loudly instead of going to the
 * internet.
 */
export async function embeddedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const url = new URL(request.url);
  if (request.method === "POST" && url.pathname.startsWith("/e/")) {
    let events: IncomingEvent[];
    try {
      const body = (await request.json()) as IncomingEvent | IncomingEvent[];
      events = Array.isArray(body) ? body : [body];
    } catch {
      return json(400, { status: 400, error: "The events are not valid JSON" });
    }
    try {
      const ids = await insertEvents(events);
      notifyExecutors();
      return json(200, { ids, status: 200 });
    } catch (err) {
      return json(400, { status: 400, error: (err as Error).message });
    }
  }
  return json(501, {
    status: 501,
    error: `${request.method} ${url.pathname} needs an Inngest server; the embedded executor only accepts events`,
  });
}
