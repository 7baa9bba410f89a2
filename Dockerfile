# Clipstream web app and functions server: one build, two targets (compose.yaml builds both).
#   docker build --target web -t clipstream-web .
#   docker build --target functions -t clipstream-functions .
# The recorder has its own, smaller image: recorder/Dockerfile. Decision 029 says why they look as they do.

FROM node:20-bookworm-slim AS base
WORKDIR /app
# The npm the project's machines run (package.json's allowScripts decides which install scripts run).
RUN npm install -g npm@11.19.1 --no-audit --no-fund && npm cache clean --force
# System packages from the one list, scripts/ensure-system.sh: ffmpeg, pocketsphinx and its US-English model,
# the caption fonts, CA certificates.
COPY scripts/ensure-system.sh scripts/ensure-system.sh
RUN bash scripts/ensure-system.sh app && rm -rf /var/lib/apt/lists/*
# npm dependencies; the postinstall generates the Prisma client into generated/ from prisma/schema.
COPY package.json package-lock.json prisma.config.ts tsconfig.json ./
COPY scripts/prisma-generate.sh scripts/prisma-generate.sh
COPY prisma prisma
RUN npm install --no-audit --no-fund && npm cache clean --force
# Sources: what `next build` is made of (scripts/lib/build-freshness.ts), the scripts the processes start with
# (scripts/serve.mjs, scripts/db.ts migrate), and the Inngest functions.
COPY app app
COPY components components
COPY lib lib
COPY inngest inngest
COPY public public
COPY scripts scripts
COPY next.config.mjs proxy.ts postcss.config.mjs instrumentation.ts ./
ENV NODE_ENV=production DATA_DIR=/data NEXT_TELEMETRY_DISABLED=1
# Local state (partial uploads; blobs when no bucket is set) is written as the node user: the directory must be its
# own before the volume is declared, or a fresh volume would be root's.
RUN mkdir -p /data && chown node:node /data

# The Inngest functions (ffmpeg, transcription, detection, rendering) apart from the web tier: `npm run functions`.
FROM base AS functions
ENV FUNCTIONS_HOST=0.0.0.0 FUNCTIONS_PORT=3300
VOLUME /data
EXPOSE 3300
USER node
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.FUNCTIONS_PORT || 3300) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node_modules/.bin/tsx", "--conditions=react-server", "lib/jobs/functions-server.ts"]

# The production web server: the Next.js build served by `npm start` (scripts/serve.mjs, WEB_CONCURRENCY processes).
FROM base AS web
# Built as root (next build may rewrite tsconfig.json and writes next-env.d.ts), then handed to node, which writes
# .next/cache at run time; in the same layer, so the chown copies nothing.
RUN node_modules/.bin/next build && chown -R node:node .next
ENV PORT=3000 WEB_HOST=0.0.0.0
VOLUME /data
EXPOSE 3000
USER node
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "scripts/serve.mjs"]
