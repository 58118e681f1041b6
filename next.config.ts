import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `npm run build` makes .next/standalone: server.js and only the files it needs (traced), which
  // `npm start` (scripts/start.mjs) runs and the Dockerfile copies.
  output: "standalone",
  // The project itself, not a parent folder with another lock file: server.js must land directly
  // in .next/standalone.
  outputFileTracingRoot: __dirname,
  // Native and binary-carrying packages must be required at run time, not bundled.
  serverExternalPackages: [
    "better-sqlite3",
    "pg",
    "@node-rs/argon2",
    "@ffmpeg-installer/ffmpeg",
    "@ffprobe-installer/ffprobe",
    "fluent-ffmpeg",
  ],
  outputFileTracingIncludes: {
    "/**": [
      "./db/migrations/**/*",
      // The installers find their platform package's binary by path at run time, which tracing
      // cannot see: take the files of whichever platform package npm installed (linux-x64…).
      "./node_modules/@ffmpeg-installer/*-*/*",
      "./node_modules/@ffprobe-installer/*-*/*",
    ],
  },
};

export default nextConfig;
