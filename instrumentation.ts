/** Runs once when the Node server starts: bring the database up to date, then start background jobs. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Before the first request: file responses keep their Content-Length (see the module).
  (await import("./lib/http/content-length")).restoreContentLength();
  const { startServer } = await import("./lib/server-start");
  await startServer();
}
