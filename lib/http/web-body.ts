import type { Readable } from "node:stream";

/**
 * A Node stream of stored bytes as a web response body, pulled one chunk per read (nothing read
 * ahead). `onEnd` hears once how many bytes the client pulled: when the body is finished, fails,
 * or is cancelled (the listener went away). Not `Readable.toWeb`: on Node 20 and 22 its adapter
 * throws an uncatchable "Controller is already closed" when a client disconnects while the file
 * is flowing (nodejs/node#64529), which is what every player does when the listener skips ahead.
 */
export function webBody(open: () => Readable, onEnd?: (sentBytes: number) => void): ReadableStream<Uint8Array> {
  let file: Readable | undefined;
  let chunks: AsyncIterator<Buffer>;
  let sent = 0;
  let ended = false;
  const end = () => {
    if (!ended) onEnd?.(sent);
    ended = true;
  };
  return new ReadableStream<Uint8Array>(
    {
      start() {
        file = open();
        chunks = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      },
      async pull(controller) {
        let next: IteratorResult<Buffer>;
        try {
          next = await chunks.next();
        } catch (err) {
          if (ended) return;
          end();
          controller.error(err);
          return;
        }
        // Cancelled while the read was on its way: the controller is closed, the file destroyed.
        if (ended) return;
        if (next.done) {
          end();
          controller.close();
          return;
        }
        sent += next.value.byteLength;
        controller.enqueue(next.value);
      },
      cancel() {
        end();
        file?.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}
