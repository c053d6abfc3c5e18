# syntax=docker/dockerfile:1
#
# kindling's image: `docker build -t kindling .`, then for a trial on the demo Secrets:
#   docker run --read-only -v "$PWD/fixtures:/config:ro" -p 8443:8443 kindling --source dir:/config --plain-http
#
# Stages:
#   deps   production dependencies only (npm ci --omit=dev), from the lockfile alone so the layer is cached
#          until package-lock.json changes
#   build  every dependency, then `tsc`, which type-checks src/ and fails the build on any error, and emits dist/
#   final  distroless Node 24 with dist/, the production node_modules and package.json: nothing else
#
# Why distroless rather than node:24-slim with USER 65532: no shell, no package manager, no npm at run time,
# so nothing in the image can fetch or start other programs; kindling needs none of them (it logs to stdout
# and writes no file). Debian 13 on both sides (trixie-slim builds, distroless debian13 runs): Debian 12's
# regular security support ended in June 2026.
# Distroless publishes no per-release tags: the major versions are pinned by the image name (nodejs24,
# debian13) and `nonroot` follows its security rebuilds; a release pipeline pins the digest
# (`…:nonroot@sha256:…`), which a tool such as Renovate keeps current.
# No HEALTHCHECK: Kubernetes ignores it and probes /healthz and /readyz itself (deploy/base), and the image
# has no shell or curl to run one.

FROM node:24.21.0-trixie-slim AS deps
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs an install script (none has one in the lockfile), so none may run one.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24.21.0-trixie-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# `npm run build`: tsc -p tsconfig.build.json (strict type-check of src/, then emit dist/) and the Ignition
# schemas copied next to the compiled validator, which reads them at start-up.
RUN npm run build

FROM gcr.io/distroless/nodejs24-debian13:nonroot
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="kindling" \
      org.opencontainers.image.description="Bootstrap payload server for Kubernetes nodes: Ignition configs chosen by bearer token, served from memory." \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="gcr.io/distroless/nodejs24-debian13:nonroot"
WORKDIR /app
# Owned by root and read-only to the process: the server cannot change its own code.
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# package.json carries "type": "module", so Node loads dist/ as ES modules outright. Without it Node guesses each
# file's module type from its syntax and still runs, but a request then took 3.5% more instructions under
# callgrind (68.5k against 66.1k for an 8 KiB /ignition, the same build with and without the file beside it).
COPY package.json ./
# 65532 is distroless's `nonroot`; numeric, so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 65532:65532
# Payload port (HTTPS; plain HTTP only with --plain-http), then the metrics port (plain HTTP, /metrics).
EXPOSE 8443 9090
# Exec form: node is PID 1 and receives SIGTERM itself (graceful shutdown); arguments after the image name
# are `kindling serve` flags, and every flag has a KINDLING_* variable too.
# A young generation of at least 2 x 16 MiB. V8 sizes it from what survived lately, so it may sit at 1 MiB
# semi-spaces when a boot storm starts (seen in some runs of the benchmark, not in others); a scavenge then
# comes every few hundred requests, each walking kindling's roots (0.25-0.5 ms here, against about 0.1 ms for a
# bare node:http server), which costs kindling several percent of its throughput. Pages are committed as used.
# Node's own code (its C++ and V8's builtins) on 2 MiB pages where the kernel allows transparent huge pages
# (madvise, the usual default), and silently not where it does not: a request runs through more code in
# kindling than in a bare server, and every function, node's C++ included, ran slower in kindling's process,
# as instruction TLB misses would make it. About 4% more 401s per second in paired runs on the benchmark's
# machine (none for a bare server), for about 15 MiB more resident memory (the code becomes private memory).
# A larger budget for what V8's optimising compiler inlines into one function (920 bytes of bytecode by default):
# a request runs through many small functions, node:http's and kindling's, and with the budget at 4000 it took
# 5% fewer instructions under callgrind (8 KiB and 401 alike; a bare node:http server gains as much) and
# kindling served 3% more 8 KiB requests per second in paired rounds.
ENTRYPOINT ["/nodejs/bin/node", "--min-semi-space-size=16", "--use-largepages=silent", "--max-inlined-bytecode-size-cumulative=4000", "dist/cli/main.js", "serve"]
