/** Runs once when the Node server starts: bring the database up to date, then start background jobs. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Before the first request: file responses keep their Content-Length, and every request
  // carries the address it really came from (see the modules).
  (await import("./lib/http/content-length")).restoreContentLength();
  (await import("./lib/http/peer-address")).tagPeerAddress();
  const { startServer } = await import("./lib/server-start");
  await startServer();
  // Feeds and enclosures answered before Next's router, with the same responses (see the module).
  const { getEnv } = await import("./lib/env");
  if (getEnv().DELIVERY_FAST_PATH === "on") (await import("./lib/delivery/fast-path")).installDeliveryFastPath();
}
