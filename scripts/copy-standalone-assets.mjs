/**
 * Second half of `npm run build`: `next build` writes .next/standalone (server.js, the traced
 * node_modules) but leaves out the files served as they are; copy them in, so that the folder
 * alone runs the app (scripts/start.mjs, the Dockerfile). And take out the local data folder:
 * tracing follows the paths built under DATA_DIR (`media/`, `tmp/`, `podcastpro.db`) to whatever
 * ./data holds on the building machine, which must never ship.
 */
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const standalone = path.join(root, ".next", "standalone");

if (!fs.existsSync(path.join(standalone, "server.js"))) {
  console.error(`${path.join(standalone, "server.js")} is missing: next.config.ts must keep output: "standalone".`);
  process.exit(1);
}
fs.cpSync(path.join(root, ".next", "static"), path.join(standalone, ".next", "static"), { recursive: true });
fs.rmSync(path.join(standalone, "data"), { recursive: true, force: true });
if (fs.existsSync(path.join(root, "public"))) {
  fs.cpSync(path.join(root, "public"), path.join(standalone, "public"), { recursive: true });
}
// npm installs ffprobe 0744 (as its package ships it): a server running as another user than the
// files' owner (the Docker image, a systemd service) could not run it.
for (const [scope, binary] of [["@ffmpeg-installer", "ffmpeg"], ["@ffprobe-installer", "ffprobe"]]) {
  const dir = path.join(standalone, "node_modules", scope);
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const file = path.join(dir, name, binary);
    if (fs.existsSync(file)) fs.chmodSync(file, 0o755);
  }
}
