/**
 * `npm start`: the production server, i.e. the standalone build's server.js (`npm run build`
 * makes it). The one way to start it: the test servers, the benchmarks and the Docker image run
 * this file too.
 *
 * server.js changes into its own folder and listens on HOSTNAME, which shells and Docker set to
 * the machine's name. So first: paths given relative to where the server is started (DATA_DIR,
 * default ./data; FFMPEG_PATH, FFPROBE_PATH) are made absolute, and HOSTNAME is set from HOST,
 * by default every interface, as `next start` did.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const server = path.resolve(import.meta.dirname, "..", ".next", "standalone", "server.js");
if (process.argv.length > 2) {
  console.error("npm start takes no arguments: set PORT, HOST, DATA_DIR… (see the README's Configuration).");
  process.exit(2);
}
if (!fs.existsSync(server)) {
  console.error(`${server} not found: run \`npm run build\` first.`);
  process.exit(1);
}

const env = process.env;
env.DATA_DIR = path.resolve(env.DATA_DIR?.trim() || "data");
for (const name of ["FFMPEG_PATH", "FFPROBE_PATH"]) {
  if (env[name]?.trim()) env[name] = path.resolve(env[name].trim());
}
// "::" takes IPv4 connections too; without IPv6 (no IPv6 address, not even ::1) only 0.0.0.0 works.
const ipv6 = Object.values(os.networkInterfaces()).some((list) => list?.some((a) => a.family === "IPv6"));
env.HOSTNAME = env.HOST?.trim() || (ipv6 ? "::" : "0.0.0.0");

await import(pathToFileURL(server).href);
