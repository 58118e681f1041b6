# syntax=docker/dockerfile:1
# PodcastPro: build with `docker build -t podcastpro .`, run with
#   docker run -p 3000:3000 -v podcastpro-data:/data -e AUTH_SECRET=… -e PUBLIC_URL=https://… podcastpro
# See docs/DEPLOY.md. Debian (glibc), not Alpine: better-sqlite3, @node-rs/argon2 and the bundled
# static ffmpeg/ffprobe (@ffmpeg-installer, @ffprobe-installer) ship glibc builds.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# Compilers only for a native module without a prebuilt binary for this platform (arm64 etc.).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci

FROM deps AS build
COPY . .
# next build in standalone mode, then static files into .next/standalone (scripts/copy-standalone-assets.mjs).
RUN npm run build

FROM node:20-bookworm-slim AS runtime
# HOSTNAME: what server.js listens on when started directly (Docker sets it to the container's
# id); scripts/start.mjs ignores it and listens on HOST, by default every interface.
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
RUN groupadd --system --gid 10001 podcastpro \
  && useradd --system --uid 10001 --gid podcastpro --home-dir /app --shell /usr/sbin/nologin podcastpro \
  && mkdir -p /data && chown podcastpro:podcastpro /data
# The standalone server (its traced node_modules with ffmpeg, ffprobe and the native modules, the
# migrations, the static files) and its launcher, as `npm start` runs them. Owned by root: the
# app may write only to /data.
COPY --from=build /app/.next/standalone ./.next/standalone
COPY --from=build /app/scripts/start.mjs ./scripts/start.mjs
# Next writes its fetch/image cache under .next/cache.
RUN mkdir -p .next/standalone/.next/cache && chown podcastpro:podcastpro .next/standalone/.next/cache
USER podcastpro
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "scripts/start.mjs"]
