# The runner image: git over HTTPS, Node 22 with npm, and the Claude Code binary, run as
# `runner` (uid 1000). The supervisor builds it when it starts (supervisor/image/runner-image.ts)
# with a build context of this file and the binaries it names: `node` (Node 22's official
# build), `npm/` (npm 10) and `claude` (the native Claude Code binary of the supervisor's own
# dependency). Layers that change least come first; the Claude binary, updated most often, is
# the last of them.
#
# BASE: any Debian bookworm image with apt. Where a registry is reachable, the published
# debian:bookworm-slim; on a host without one, spedy-base:bookworm, a minimal Debian that
# setup.sh (or the supervisor run as root outside a container) makes with debootstrap.
ARG BASE=spedy-base:bookworm

# Debian with git, Node and npm: the runner's first half, and (built alone, `--target debian-node`)
# the supervisor's own base where no registry offers a Node image (setup.sh --base offline).
FROM ${BASE} AS debian-node
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx

FROM debian-node AS runner
ARG RUNNER_UID=1000
ARG RUNNER_HOME=/home/runner
ARG RUNNER_WORKDIR=/workspace
RUN useradd --uid ${RUNNER_UID} --user-group --create-home --home-dir ${RUNNER_HOME} --shell /bin/bash runner \
 && mkdir -p ${RUNNER_WORKDIR} && chown ${RUNNER_UID}:${RUNNER_UID} ${RUNNER_WORKDIR}
COPY claude /usr/local/bin/claude
ENV HOME=${RUNNER_HOME} LANG=C.UTF-8
USER ${RUNNER_UID}:${RUNNER_UID}
WORKDIR ${RUNNER_WORKDIR}
# Tests only (SPEDY_RUNNER_IMAGE_HOLD_URL): a variant of this image on top of the layers above,
# whose build waits until that loopback URL answers, so a test sees jobs wait for the build.
# Empty, as in every real build, this step does nothing.
ARG HOLD_URL=
RUN [ -z "${HOLD_URL}" ] || node -e 'const go = () => fetch(process.argv[1]).then((r) => { if (!r.ok) throw new Error(); }).catch(() => new Promise((r) => setTimeout(r, 200)).then(go)); go();' "${HOLD_URL}"
