#!/usr/bin/env bash
# Spedy runner setup: asks for (or takes as flags) the platform's API URL, the runner token,
# the AI backend, the pool size and the job folder; checks the platform and Docker; writes
# .env and docker-compose.yml beside this script. Then: docker compose up -d
# (Debian's docker-compose 1.29 without buildx: COMPOSE_DOCKER_CLI_BUILD=0 docker-compose up -d).
#
# Scripted: ./setup.sh --api-url https://spedy.example.com/api/v1 --token rnt_… --mode key --yes
# or answers on stdin, one a line, in the order asked.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out_dir="$here"
api_url="" token="" mode="" pool_size="" jobs_dir="" insecure=0 assume_yes=0 credentials="" base="auto"
cache_dir="$here/.data/docker-cache" debian_mirror=""
# Longer than the supervisor's drain (SPEDY_DRAIN_TIMEOUT_SECONDS, 20 s by default): Docker kills it after this.
stop_grace="45s"

usage() {
  cat <<'EOF'
Usage: ./setup.sh [options]

  --api-url URL        the platform's runner API, e.g. https://spedy.example.com/api/v1
  --token rnt_…        a runner token from Settings → Runners
  --mode key|local     AI backend: key = the organization's ANTHROPIC_API_KEY from the vault;
                       local = your Claude Max/Pro login (~/.claude/.credentials.json)
  --pool-size N        jobs at once (default 3)
  --jobs-dir PATH      where job folders and logs go (default ./jobs)
  --credentials FILE   local mode: the Claude login file (default ~/.claude/.credentials.json)
  --out DIR            where to write .env and docker-compose.yml (default: beside setup.sh)
  --base auto|registry|offline
                       the images' bases: registry = published node:22-bookworm-slim and
                       debian:bookworm-slim, pulled by Docker; offline = a Debian made here with
                       debootstrap (needs root and debootstrap on this host, about 3 minutes once);
                       auto (default) = registry when Docker can pull, else offline
  --cache-dir DIR      offline: where the Debian root filesystem is kept (default ./.data/docker-cache)
  --debian-mirror URL  offline: the Debian mirror debootstrap reads (default: the one this host's
                       apt uses, else deb.debian.org)
  --insecure           allow a plain http:// API URL on a host other than this one
  --yes                do not ask for confirmation
  --help               this text
EOF
}

fail() { echo "✗ $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --api-url) api_url="${2:-}"; shift 2 ;;
    --token) token="${2:-}"; shift 2 ;;
    --mode) mode="${2:-}"; shift 2 ;;
    --pool-size) pool_size="${2:-}"; shift 2 ;;
    --jobs-dir) jobs_dir="${2:-}"; shift 2 ;;
    --credentials) credentials="${2:-}"; shift 2 ;;
    --out) out_dir="${2:-}"; shift 2 ;;
    --base) base="${2:-}"; shift 2 ;;
    --cache-dir) cache_dir="${2:-}"; shift 2 ;;
    --debian-mirror) debian_mirror="${2:-}"; shift 2 ;;
    --insecure) insecure=1; shift ;;
    --yes|-y) assume_yes=1; shift ;;
    --help|-h) usage; exit 0 ;;
    *) usage >&2; fail "unknown option: $1" ;;
  esac
done

# ask VAR "question" "default": a flag's value wins; else a line from stdin (a terminal or a pipe).
ask() {
  local var="$1" question="$2" default="${3:-}" answer=""
  [ -n "${!var}" ] && return 0
  if [ -t 0 ]; then printf '%s%s: ' "$question" "${default:+ [$default]}" >&2; fi
  IFS= read -r answer || true
  answer="${answer:-$default}"
  [ -n "$answer" ] || fail "$question: an answer is needed (or pass it as a flag; --help lists them)"
  printf -v "$var" '%s' "$answer"
}

echo "Spedy runner setup" >&2
ask api_url "Platform API URL (e.g. https://spedy.example.com/api/v1)"
ask token "Runner token (Settings → Runners)"
ask mode "AI backend: key (the organization's Anthropic key) or local (your Claude Max/Pro login)" "key"
ask pool_size "Jobs at once" "3"
ask jobs_dir "Job folder" "./jobs"

api_url="${api_url%/}"
[[ "$api_url" =~ ^https?://[^/]+ ]] || fail "The API URL must start with http:// or https://, e.g. https://spedy.example.com/api/v1"
host="$(printf '%s' "$api_url" | sed -E 's#^https?://(\[[^]]*\]|[^/:]+).*#\1#')"
loopback=0
case "$host" in localhost|127.*|\[::1\]) loopback=1 ;; esac
if [[ "$api_url" == http://* ]] && [ "$loopback" = 0 ] && [ "$insecure" = 0 ]; then
  fail "The API URL is plain http on $host: the runner token would cross the network unencrypted. Use https://, or pass --insecure if this network is trusted."
fi
[[ "$token" =~ ^rnt_[0-9a-f]{64}$ ]] || fail "That is not a runner token (rnt_ followed by 64 hex characters): create one under Settings → Runners."
[[ "$mode" =~ ^(key|local)$ ]] || fail "The AI backend is key or local, not \"$mode\"."
[[ "$base" =~ ^(auto|registry|offline)$ ]] || fail "--base is auto, registry or offline, not \"$base\"."
[[ "$pool_size" =~ ^[0-9]+$ ]] && [ "$pool_size" -ge 1 ] && [ "$pool_size" -le 64 ] || fail "The pool size is a number from 1 to 64."

# The job folder at the same absolute path inside the container and out: job containers the
# supervisor starts on the host's engine mount paths under it.
# Nothing is created before the checks pass.
case "$out_dir" in /*) ;; *) out_dir="$PWD/${out_dir#./}" ;; esac
case "$jobs_dir" in /*) ;; *) jobs_dir="$out_dir/${jobs_dir#./}" ;; esac
out_dir="${out_dir%/}" jobs_dir="${jobs_dir%/}"

# The engine's actual socket: DOCKER_HOST's unix socket, else the system one, else rootless's.
docker_socket=""
for candidate in "${DOCKER_HOST:-}" /var/run/docker.sock "${XDG_RUNTIME_DIR:-/nonexistent}/docker.sock"; do
  candidate="${candidate#unix://}"
  [ -n "$candidate" ] && [[ "$candidate" != *://* ]] && [ -S "$candidate" ] || continue
  docker_socket="$(readlink -f "$candidate")"
  break
done

echo "Checking…" >&2
# 1. The platform answers and knows the token.
body="$(mktemp)"
trap 'rm -f "$body"' EXIT
code="$(curl -sS --max-time 15 -o "$body" -w '%{http_code}' -H "Authorization: Bearer $token" "$api_url/runners/readiness" 2>/dev/null || true)"
case "$code" in
  200) echo "✓ platform reachable at $api_url, token valid" >&2 ;;
  401|403) fail "The platform refused the runner token ($(sed -E 's/.*"error":"([^"]*)".*/\1/' "$body")). Create a new one under Settings → Runners." ;;
  000|"") fail "The platform is not reachable at $api_url (no answer). Check the URL and that this host can reach it." ;;
  *) fail "The platform answered $code at $api_url/runners/readiness: is this the API URL (ending in /api/v1)?" ;;
esac
# 2. Docker answers.
[ -n "$docker_socket" ] || fail "No Docker engine socket found (DOCKER_HOST, /var/run/docker.sock, \$XDG_RUNTIME_DIR/docker.sock). Install and start Docker, or set DOCKER_HOST=unix:///path/to/docker.sock."
[ "$(curl -sS --max-time 5 --unix-socket "$docker_socket" http://docker/_ping 2>/dev/null || true)" = "OK" ] ||
  fail "The Docker engine at $docker_socket does not answer: is it running, and may this user use it?"
echo "✓ Docker engine at $docker_socket" >&2
# 3. The AI backend.
if [ "$mode" = key ]; then
  grep -q '"anthropicApiKey":true' "$body" ||
    fail "Key mode needs ANTHROPIC_API_KEY in the organization's vault (Settings → Secrets); add it, or choose --mode local."
  echo "✓ ANTHROPIC_API_KEY is in the vault" >&2
else
  credentials="${credentials:-$HOME/.claude/.credentials.json}"
  if [ ! -f "$credentials" ]; then
    if [ "$(uname -s)" = Darwin ]; then
      fail "No Claude login at $credentials. On macOS \`claude\` keeps it in the Keychain: export it with
  mkdir -p ~/.claude && security find-generic-password -s 'Claude Code-credentials' -w > ~/.claude/.credentials.json && chmod 600 ~/.claude/.credentials.json
then run setup.sh again (the supervisor writes a login it refreshed back to that file, not to the Keychain)."
    fi
    fail "No Claude login at $credentials: run \`claude\` and log in (Max or Pro), or pass --credentials FILE."
  fi
  grep -q '"accessToken"' "$credentials" ||
    fail "$credentials is not a Claude login (no claudeAiOauth.accessToken in it): run \`claude\`, log in with Max or Pro, and try again."
  credentials="$(cd "$(dirname "$credentials")" && pwd)/$(basename "$credentials")"
  echo "✓ Claude login at $credentials (each job gets a copy; no API key is needed or used)" >&2
fi

# 4. The images' bases. The supervisor's image (Dockerfile) and the runner image it builds when it
# starts (runner.Dockerfile) both take their base as a build argument.
registry_supervisor_base="node:22-bookworm-slim" registry_runner_base="debian:bookworm-slim"
offline_supervisor_base="spedy-node:bookworm" offline_runner_base="spedy-base:bookworm"
engine() { curl -sS --unix-socket "$docker_socket" "$@"; }
image_present() { [ "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$docker_socket" "http://docker/images/$1/json")" = 200 ]; }
# pull NAME:TAG: the engine reports a failed pull inside its progress stream.
pull() {
  local out
  out="$(engine --max-time 600 -X POST "http://docker/images/create?fromImage=${1%%:*}&tag=${1##*:}" 2>&1 || true)"
  if image_present "$1"; then return 0; fi
  pull_error="$(printf '%s' "$out" | sed -nE 's/.*"(error|message)":"([^"]*)".*/\2/p' | tail -1)"
  return 1
}
# The engine builds from a tar context; a failed build is reported inside the progress stream.
build() { # build TAG TARGET CONTEXT_DIR
  local out
  out="$(tar -C "$3" -c . | engine --max-time 1800 -X POST -H 'Content-Type: application/x-tar' --data-binary @- \
    "http://docker/build?t=$1&target=$2&networkmode=host&rm=1&forcerm=1" 2>&1 || true)"
  image_present "$1" || fail "Building $1 failed: $(printf '%s' "$out" | sed -nE 's/.*"error":"([^"]*)".*/\1/p' | tail -1)"
}
npm_tarball() { # npm_tarball PACKAGE MAJOR DEST: the newest MAJOR.x of PACKAGE from the npm registry
  local version
  version="$(curl -sS --max-time 60 -H 'Accept: application/vnd.npm.install-v1+json' "https://registry.npmjs.org/$1" | grep -oE "\"$2\.[0-9]+\.[0-9]+\":" | tr -d '":' | sort -V | tail -1 || true)"
  [ -n "$version" ] || fail "Could not find $1@$2 on the npm registry (https://registry.npmjs.org): is it reachable from this host?"
  curl -sSf --max-time 600 -o "$3" "https://registry.npmjs.org/$1/-/$1-$version.tgz" || fail "Could not download $1@$version from the npm registry."
}
# The Debian mirror this host's apt reads (not the security archive), else deb.debian.org.
host_debian_mirror() {
  local uri
  uri="$(grep -hsE '^(deb |URIs:)' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -oE 'https?://[^ ]*debian[^ ]*' | grep -v security | head -1 || true)"
  printf '%s' "${uri:-http://deb.debian.org/debian}"
}
make_offline_bases() {
  if ! image_present "$offline_runner_base"; then
    local tarball="$cache_dir/rootfs-bookworm-minbase.tar"
    if [ ! -f "$tarball" ]; then
      [ "$(id -u)" = 0 ] || fail "Making the Debian base with debootstrap needs root on this host: run sudo ./setup.sh --base offline (the supervisor's container never does this itself)."
      command -v debootstrap >/dev/null || fail "debootstrap is not installed: apt-get install debootstrap, then run setup.sh again."
      debian_mirror="${debian_mirror:-$(host_debian_mirror)}"
      echo "• bootstrapping Debian bookworm from $debian_mirror with debootstrap (about 3 minutes, once)…" >&2
      mkdir -p "$cache_dir"
      local root; root="$(mktemp -d "$cache_dir/rootfs-XXXXXX")"
      debootstrap --variant=minbase bookworm "$root/root" "$debian_mirror" >"$root/debootstrap.log" 2>&1 ||
        fail "debootstrap failed (the log is in $root/debootstrap.log)."
      rm -rf "$root/root/var/cache/apt/archives/"*.deb "$root/root/var/lib/apt/lists/"*_* 2>/dev/null || true
      tar -C "$root/root" --numeric-owner -c -f "$root/rootfs.tar" . && mv "$root/rootfs.tar" "$tarball"
      rm -rf "$root"
    fi
    echo "• importing $offline_runner_base from $tarball" >&2
    engine --max-time 600 -X POST -H 'Content-Type: application/x-tar' --data-binary @"$tarball" \
      "http://docker/images/create?fromSrc=-&repo=${offline_runner_base%%:*}&tag=${offline_runner_base##*:}" >/dev/null || true
    image_present "$offline_runner_base" || fail "Importing $offline_runner_base into Docker failed."
  fi
  if ! image_present "$offline_supervisor_base"; then
    # The runner image's first stage (Debian, git, Node 22, npm) is the supervisor's base too.
    echo "• building $offline_supervisor_base (runner.Dockerfile's debian-node stage) with Node 22 from the npm registry…" >&2
    local ctx arch; ctx="$(mktemp -d)"
    case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) fail "No Node build for $(uname -m)." ;; esac
    npm_tarball "node-linux-$arch" 22 "$ctx/node.tgz"
    npm_tarball npm 10 "$ctx/npm.tgz"
    mkdir -p "$ctx/context" "$ctx/node"
    tar -xzf "$ctx/node.tgz" -C "$ctx/node" && cp "$ctx/node/package/bin/node" "$ctx/context/node"
    tar -xzf "$ctx/npm.tgz" -C "$ctx/context" && mv "$ctx/context/package" "$ctx/context/npm"
    # Beside setup.sh in the bundle; in a checkout of the platform, where the supervisor has it.
    if [ -f "$here/runner.Dockerfile" ]; then cp "$here/runner.Dockerfile" "$ctx/context/Dockerfile"; else cp "$here/../image/runner.Dockerfile" "$ctx/context/Dockerfile"; fi
    build "$offline_supervisor_base" debian-node "$ctx/context"
    rm -rf "$ctx"
  fi
}
case "$base" in
  registry|auto)
    if image_present "$registry_supervisor_base" && image_present "$registry_runner_base"; then
      base=registry base_why="both are in the Docker engine already"
    elif pull "$registry_runner_base" && pull "$registry_supervisor_base"; then
      base=registry base_why="Docker pulled them from its registry"
    elif [ "$base" = registry ]; then
      fail "Docker could not pull $registry_runner_base and $registry_supervisor_base (${pull_error:-no answer}). Use --base offline to make the bases on this host."
    else
      base=offline base_why="Docker cannot pull from a registry here (${pull_error:-no answer}), so they are made on this host"
    fi
    ;;
  offline) base_why="as asked (--base offline)" ;;
esac
if [ "$base" = offline ]; then
  make_offline_bases
  supervisor_base="$offline_supervisor_base" runner_base="$offline_runner_base"
else
  supervisor_base="$registry_supervisor_base" runner_base="$registry_runner_base"
fi
echo "✓ images' bases: $supervisor_base for the supervisor, $runner_base for the runner image — $base_why" >&2

sockets_dir="/tmp/spedy-sockets"
if [ "$assume_yes" = 0 ] && [ -t 0 ]; then
  printf 'Write .env and docker-compose.yml in %s? [Y/n] ' "$out_dir" >&2
  read -r confirm || true
  [[ "${confirm:-y}" =~ ^[Yy] ]] || fail "Nothing written."
fi

mkdir -p "$out_dir" "$jobs_dir"
umask 077
{
  echo "# Written by setup.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ). The supervisor's settings: see README.md."
  echo "SPEDY_API_URL=$api_url"
  echo "SPEDY_RUNNER_TOKEN=$token"
  echo "SPEDY_AI_BACKEND=$mode"
  echo "SPEDY_POOL_SIZE=$pool_size"
  echo "SPEDY_JOBS_DIR=$jobs_dir"
  echo "SPEDY_SOCKETS_DIR=$sockets_dir"
  echo "# The runner image's base ($base: $base_why)."
  echo "SPEDY_RUNNER_BASE_IMAGE=$runner_base"
  if [ "$mode" = local ]; then echo "SPEDY_CLAUDE_CREDENTIALS=$credentials"; fi
} >"$out_dir/.env"
umask 022

{
  echo "# Written by setup.sh. Start with: docker compose up -d"
  echo "# (Debian's docker-compose 1.29 without buildx: COMPOSE_DOCKER_CLI_BUILD=0 docker-compose up -d)"
  echo "version: \"2.4\""
  echo "services:"
  echo "  spedy-supervisor:"
  echo "    build:"
  # The bundle folder: the Dockerfile and the packed packages beside setup.sh.
  echo "      context: \"$here\""
  echo "      dockerfile: Dockerfile"
  # apt and npm inside the build reach their registries through the host's network (an engine
  # may run without a default bridge); SPEDY_SUPERVISOR_BASE in the environment or .env overrides the base.
  echo "      network: host"
  echo "      args:"
  echo "        # $base: $base_why"
  echo "        BASE: \"\${SPEDY_SUPERVISOR_BASE:-$supervisor_base}\""
  echo "    image: spedy-supervisor:local"
  echo "    # On Apple Silicon the runner image is amd64; uncomment to run the supervisor as amd64 too:"
  echo "    # platform: linux/amd64"
  echo "    restart: unless-stopped"
  echo "    env_file: .env"
  # Longer than the supervisor's drain, so running jobs report before Docker kills it.
  echo "    stop_grace_period: $stop_grace"
  echo "    environment:"
  echo "      DOCKER_HOST: unix:///var/run/docker.sock"
  # The status listener (/healthz, /metrics) on the container's loopback, or the host's with
  # network_mode host: a second runner on this host sets another SPEDY_STATUS_PORT in .env.
  echo '      SPEDY_STATUS_PORT: "${SPEDY_STATUS_PORT:-9464}"'
  echo "    healthcheck:"
  echo '      test: ["CMD", "node", "-e", "fetch(\"http://127.0.0.1:${SPEDY_STATUS_PORT:-9464}/healthz\").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]'
  echo "      interval: 30s"
  echo "      timeout: 10s"
  echo "      retries: 3"
  echo "      start_period: 60s"
  if [ "$loopback" = 1 ]; then
    echo "    # The platform is on this host's loopback: only the host's network reaches it."
    echo "    network_mode: host"
  fi
  echo "    volumes:"
  echo "      - \"$docker_socket:/var/run/docker.sock\""
  echo "      - \"$jobs_dir:$jobs_dir\""
  echo "      - \"$sockets_dir:$sockets_dir\""
  if [ "$mode" = local ]; then
    echo "      - \"$credentials:$credentials\""
  fi
} >"$out_dir/docker-compose.yml"

echo "✓ wrote $out_dir/.env and $out_dir/docker-compose.yml" >&2
echo "Start the runner: docker compose up -d   (or: COMPOSE_DOCKER_CLI_BUILD=0 docker-compose up -d)" >&2
