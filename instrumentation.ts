/** Runs once when the Node server starts: bring the database up to date, then start background jobs. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Before the first request: file responses keep their Content-Length, and every request
  // carries the address it really came from (see the modules).
  (await import("./lib/http/content-length")).restoreContentLength();
  (await import("./lib/http/peer-address")).tagPeerAddress();
  const { startServer } = await import("./lib/server-start");
  await startServer();
}
