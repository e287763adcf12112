# syntax=docker/dockerfile:1
#
# The myapp image. One image runs the API (the default command), the migration CLI
# (`node app/db/migrate/cli.ts <command>`, the chart's hook Jobs) and any other entry in app/.
#
# Node 24 runs the TypeScript sources as they are (type stripping, on by default in Node 24), the
# same files the tests run: there is no compile step whose output could differ from what was
# tested, no source maps to ship, and stack traces point at the real lines. `npm run build`
# (dist/) stays available for runtimes without type stripping; this image does not use it.
#
# Stages: deps (production dependencies from the lock file) -> build (the runtime tree, checked
# to load with production dependencies only) -> runtime (that tree on a clean base, non-root).
#
# The base image is named once, here; CI builds this file against a stand-in tagged with the same
# name (test/image/), so keep it a plain `FROM name:tag` line.
FROM node:24-bookworm-slim AS base
WORKDIR /app
ENV NODE_ENV=production

# ---- deps: production dependencies only, exactly as locked ----------------------------------
FROM base AS deps
COPY package.json package-lock.json ./
# No install scripts: no production dependency needs one, and a build that runs none cannot be
# changed by a compromised package at build time. The cache mount keeps npm's download cache
# between builds without putting it in a layer.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- build: assemble the runtime tree and prove it loads ------------------------------------
FROM deps AS build
COPY app ./app
COPY migrations ./migrations
# The API migration guides: the app serves them under each deprecated version's docs.
COPY docs/api ./docs/api
# Import every module except the entries (main.ts, api-server.ts, edge.ts, *cli.ts run on import)
# and app/edge/ (only the edge bundle runs it: esbuild gives it files as text): a module that needs
# a dev dependency, or a file that .dockerignore left out, fails the build here instead of a pod at
# run time. Modules do no I/O on import (DESIGN.md); the exit ends any timer.
RUN find app -name '*.ts' ! -name '*.test.ts' ! -name '*.d.ts' ! -path 'app/edge/*' \
        ! -name main.ts ! -name api-server.ts ! -name edge.ts ! -name '*cli.ts' \
        -printf 'await import("/app/%p");\n' > /tmp/load-all.mjs \
 && echo 'process.exit(0);' >> /tmp/load-all.mjs \
 && timeout 120 node /tmp/load-all.mjs \
 && rm /tmp/load-all.mjs

# ---- edge: the edge tier's image (`--target edge`), see docs/edge.md -------------------------
# The edge bundle (app/edge.ts, built by esbuild, a dev dependency) and workerd (its npm platform
# package, the binary inside), on the same base so no other image needs pulling. Stages before
# `runtime`, which stays the default target.
FROM base AS edge-build
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --include=dev --ignore-scripts --no-audit --no-fund
COPY app ./app
COPY scripts/edge ./scripts/edge
COPY scripts/tools ./scripts/tools
RUN node scripts/edge/build.ts \
 && MYAPP_CACHE_DIR=/tmp/edge-runtimes node scripts/tools/edge-runtimes-install.ts workerd \
      | awk '{ print $2 }' | xargs -I{} cp {} /usr/local/bin/workerd \
 && /usr/local/bin/workerd --version

FROM base AS edge
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="myapp-edge" \
      org.opencontainers.image.description="The myapp edge tier: the app's edge bundle under workerd, in front of the myapp API." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/example/myapp" \
      org.opencontainers.image.licenses="UNLICENSED"
COPY --from=edge-build /usr/local/bin/workerd /usr/local/bin/workerd
# edge.js and the config.capnp that embeds it and binds every setting from the environment.
COPY --from=edge-build /app/dist/edge /edge
EXPOSE 8787
USER 1000:1000
ENTRYPOINT []
CMD ["/usr/local/bin/workerd", "serve", "/edge/config.capnp", "--verbose"]

# ---- runtime ---------------------------------------------------------------------------------
FROM base AS runtime
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="myapp" \
      org.opencontainers.image.description="A production HTTP API in TypeScript on Node.js 24: users API, health, graceful shutdown, expand/contract migrations." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/example/myapp" \
      org.opencontainers.image.documentation="https://github.com/example/myapp#deploying" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.base.name="docker.io/library/node:24-bookworm-slim"
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/app ./app
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/docs/api ./docs/api
COPY package.json ./
# The embedded database's folder (used only without DATABASE_URL) belongs to the app's user;
# everything else stays owned by root, so the process cannot rewrite its own code.
RUN install -d -o 1000 -g 1000 -m 0700 /data
# Writable paths are volumes: /data (embedded database) and /tmp. With a read-only root
# filesystem mount an emptyDir (or a PVC) on both, as the chart does.
# RELEASE is left unset: the app then takes package.json's version, which is always right (the
# chart sets it to the image tag).
# V8 sized for a service rather than for the machine: left alone it sizes the young generation
# from the node's memory (64 MB semi-spaces on a 24 GB node: over 100 MB resident before the
# first request). 32 MB semi-spaces halve the scavenges of 16 MB ones (each copies the same
# in-flight requests) and let fewer requests' objects reach the old generation; the command's
# --heap-growing-percent=100 lets the old generation double before the next full collection
# instead of V8's 1.1–1.5× for a small heap. Together, under the bench's load: 0.85× the CPU a
# request, 1.19× the req/s, the p99 52 -> 31 ms, for about 60 MB more after load and the same at
# idle (docs/benchmarks.md). The old generation stays capped at half the chart's memory limit
# (512Mi), so V8 collects harder before the kernel would kill the container; raise both together
# (test/chart/v8-sizing.test.ts checks them). The sizes are in NODE_OPTIONS, so the migration Job,
# which runs this image too, gets them; Node refuses the growing factor there, so it is on the
# server's command.
ENV PORT=3000 \
    DATA_DIR=/data \
    NODE_OPTIONS="--max-semi-space-size=32 --max-old-space-size=256"
EXPOSE 3000 9464
# A numeric user (the base image's `node`, 1000:1000), so Kubernetes can enforce runAsNonRoot.
USER 1000:1000
# Node itself is PID 1: no shell, no entrypoint script in between. The base image's
# docker-entrypoint.sh is cleared so SIGTERM goes straight to the app, which handles SIGTERM and
# SIGINT (graceful drain, app/lifecycle/). PID 1 gets no default signal actions, so this relies
# on those handlers; the app starts no child processes, so there are no zombies to reap and no
# need for tini.
ENTRYPOINT []
CMD ["node", "--heap-growing-percent=100", "app/main.ts"]
