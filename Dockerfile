# syntax=docker/dockerfile:1.7
# The reelscope worker image (also runs the CLI).
#   docker build -t reelscope-worker .                    the worker (the last stage)
#   docker build --target stores -t reelscope-stores .    docker-compose's local S3 and DynamoDB
# The build stage compiles TypeScript and prebuilds the workflow bundle, so a task never runs
# webpack when it starts; the runtime stage holds production dependencies, ffmpeg and the
# compiled code only. The local stand-ins (s3rver, dynalite) are development dependencies:
# they live in the stores image and never ship in the worker's.

# Node 24 LTS, as the starter Lambda runs (and the tests: scripts/bootstrap.sh): Node 20 left
# support in April 2026, and AWS SDK v3 releases after January 2027 require Node 22 or later.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install` honours the lockfile's pins; see scripts/bootstrap.sh for why not `npm ci`.
RUN npm install --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY common ./common
COPY codec ./codec
COPY workflows ./workflows
COPY activities ./activities
COPY backends ./backends
COPY media ./media
COPY spine ./spine
COPY report ./report
COPY storage ./storage
COPY cost ./cost
COPY notifications ./notifications
COPY auth ./auth
COPY api ./api
COPY operations ./operations
COPY worker ./worker
COPY starter ./starter
COPY cli ./cli
COPY local ./local
COPY scripts/build-workflow-bundle.ts ./scripts/
RUN npm run build

# docker-compose's `stores` service: s3rver and dynalite standing in for S3 and DynamoDB on a
# self-hosted box. It keeps the development dependencies they come with; nothing else runs here.
FROM ${NODE_IMAGE} AS stores
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# A named volume mounted here starts with this folder's owner, so the node user can write it.
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 4567 4569
CMD ["node", "dist/local/serve-stores.js"]

FROM build AS production-dependencies
RUN npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# ffmpeg/ffprobe for every media step; pocketsphinx for the local backend's transcript;
# tini reaps ffmpeg children and forwards SIGTERM so the worker can drain.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg pocketsphinx pocketsphinx-en-us tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    REELSCOPE_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    REELSCOPE_HEALTH_PORT=8080 \
    REELSCOPE_METRICS_BIND_ADDRESS=0.0.0.0:9464 \
    NODE_OPTIONS="--max-old-space-size=1536 --max-semi-space-size=16"
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=production-dependencies --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# The `node` user (uid 1000) of the base image: code is root-owned and read-only to it.
USER node
EXPOSE 8080 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.REELSCOPE_HEALTH_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/worker/main.js"]
