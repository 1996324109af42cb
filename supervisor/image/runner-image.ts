import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { dockerStatusCode } from '../container/docker-status.ts';
import { fromSupervisorRoot } from '../paths.ts';
import { BASE_IMAGE, ensureBaseImage } from './base-image.ts';
import { RunnerImageError } from './image-error.ts';
import { recordImageBuild } from '../operations/metrics.ts';
import { imageExists } from './image-exists.ts';
import { nodePackage, npmPackage, resolveClaudeBinary, type ClaudeBinary, type PackedPackage } from './inputs.ts';
import { followProgress } from './progress.ts';

export const RUNNER_IMAGE_REPO = 'spedy-runner';
/** The non-root user the agent runs as (`User: '1000:1000'` when creating containers). */
export const RUNNER_UID = 1000;
export const RUNNER_HOME = '/home/runner';
export const RUNNER_WORKDIR = '/workspace';

/** Where image inputs (root filesystem, Node and npm tarballs) are kept between runs. */
export const DEFAULT_IMAGE_CACHE_DIR = fromSupervisorRoot('.data', 'docker-cache');

/**
 * The runner image: git over HTTPS, Node 22 with npm, and the Claude Code
 * binary, run as `runner` (uid 1000). Layers that change least come first;
 * the Claude binary, updated most often, is the last.
 */
export const RUNNER_DOCKERFILE = `FROM ${BASE_IMAGE}
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git ca-certificates \\
 && rm -rf /var/lib/apt/lists/*
RUN useradd --uid ${RUNNER_UID} --user-group --create-home --home-dir ${RUNNER_HOME} --shell /bin/bash runner \\
 && mkdir -p ${RUNNER_WORKDIR} && chown ${RUNNER_UID}:${RUNNER_UID} ${RUNNER_WORKDIR}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
COPY claude /usr/local/bin/claude
ENV HOME=${RUNNER_HOME} LANG=C.UTF-8
USER ${RUNNER_UID}:${RUNNER_UID}
WORKDIR ${RUNNER_WORKDIR}
`;

interface RunnerImageInputs {
  node: PackedPackage;
  npm: PackedPackage;
  claude: ClaudeBinary;
}

/** The image tag: a hash of everything that goes into the image, so it is rebuilt only when one changes. */
export function runnerImageTag(inputs: RunnerImageInputs): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify({
        dockerfile: RUNNER_DOCKERFILE,
        node: inputs.node.version,
        npm: inputs.npm.version,
        claude: { version: inputs.claude.version, size: inputs.claude.size },
      }),
    )
    .digest('hex')
    .slice(0, 16);
  return `${RUNNER_IMAGE_REPO}:${hash}`;
}

/** Copies entries of an npm tarball (`package/…`) into the build context under new names. */
async function addFromTarball(pack: tar.Pack, tarball: string, rename: (name: string) => string | null): Promise<void> {
  const extract = tar.extract();
  const reading = pipeline(fs.createReadStream(tarball), zlib.createGunzip(), extract);
  for await (const entry of extract) {
    const name = entry.header.type === 'file' ? rename(entry.header.name) : null;
    if (name === null) {
      entry.resume();
      continue;
    }
    const { size, mode, mtime } = entry.header;
    await pipeline(entry, pack.entry({ name, size, mode, mtime, uid: 0, gid: 0, type: 'file' }));
  }
  await reading;
}

/** The build context as a tar stream, written while the engine reads it (the binaries are ~370 MB). */
function buildContext(inputs: RunnerImageInputs): NodeJS.ReadableStream {
  const pack = tar.pack();
  void (async () => {
    pack.entry({ name: 'Dockerfile', mode: 0o644 }, RUNNER_DOCKERFILE);
    await addFromTarball(pack, inputs.node.tarball, (name) => (name === 'package/bin/node' ? 'node' : null));
    await addFromTarball(pack, inputs.npm.tarball, (name) => name.replace(/^package\//, 'npm/'));
    const { size, mtime } = fs.statSync(inputs.claude.path);
    await pipeline(fs.createReadStream(inputs.claude.path), pack.entry({ name: 'claude', size, mtime, mode: 0o755 }));
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))));
  // tar-stream packs are streamx streams; dockerode pipes a Node stream into its request.
  return Readable.from(pack);
}

export interface EnsureRunnerImageOptions {
  docker: Docker;
  log?: (line: string) => void;
  /** Defaults to `.data/docker-cache` in the project. */
  cacheDir?: string;
  signal?: AbortSignal;
}

const building = new WeakMap<Docker, Map<string, Promise<string>>>();

/**
 * Returns the tag of the runner image for the current inputs, building it
 * (and the base image) on first need. Concurrent calls in this process share
 * one build.
 */
export async function ensureRunnerImage(options: EnsureRunnerImageOptions): Promise<string> {
  const cacheDir = options.cacheDir ?? DEFAULT_IMAGE_CACHE_DIR;
  const claude = resolveClaudeBinary();
  const [node, npm] = [await nodePackage(cacheDir), await npmPackage(cacheDir)];
  const inputs: RunnerImageInputs = { node, npm, claude };
  const tag = runnerImageTag(inputs);
  if (await imageExists(options.docker, tag)) return tag;

  const builds = building.get(options.docker) ?? new Map<string, Promise<string>>();
  building.set(options.docker, builds);
  let build = builds.get(tag);
  if (!build) {
    build = recordImageBuild(buildRunnerImage(tag, inputs, { ...options, cacheDir }));
    builds.set(tag, build);
    build.finally(() => builds.delete(tag)).catch(() => undefined);
  }
  return build;
}

async function buildRunnerImage(
  tag: string,
  inputs: RunnerImageInputs,
  options: EnsureRunnerImageOptions & { cacheDir: string },
): Promise<string> {
  const { docker, log } = options;
  let started = performance.now();
  await ensureBaseImage({ docker, cacheDir: options.cacheDir, log, signal: options.signal });
  if (performance.now() - started > 1000) log?.(`  base image ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  started = performance.now();
  log?.(
    `  building ${tag} (Node ${inputs.node.version}, npm ${inputs.npm.version}, Claude Code ${inputs.claude.version})`,
  );
  const progress = await docker.buildImage(buildContext(inputs), {
    t: tag,
    // apt inside the build reaches Debian's mirror only through the host's network.
    networkmode: 'host',
    rm: true,
    forcerm: true,
    labels: { 'spedy.image': 'runner' },
    abortSignal: options.signal,
  });
  await followProgress(progress, `Building the runner image ${tag}`);
  if (!(await imageExists(docker, tag))) {
    throw new RunnerImageError(`Building the runner image ${tag} reported success, but the image is missing.`);
  }
  log?.(`  built ${tag} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await removeOlderRunnerImages(docker, tag, log);
  return tag;
}

/**
 * Earlier runner images (a Claude Code update adds ~250 MB each) are removed
 * once a new one is built; one still used by a container stays (409).
 */
export async function removeOlderRunnerImages(docker: Docker, keep: string, log?: (line: string) => void): Promise<void> {
  const images = await docker.listImages({ filters: { reference: [RUNNER_IMAGE_REPO] } });
  for (const image of images) {
    for (const tag of image.RepoTags ?? []) {
      if (tag === keep || !tag.startsWith(`${RUNNER_IMAGE_REPO}:`)) continue;
      try {
        await docker.getImage(tag).remove();
        log?.(`  removed the previous runner image ${tag}`);
      } catch (err) {
        if (dockerStatusCode(err) !== 409 && dockerStatusCode(err) !== 404) throw err;
      }
    }
  }
}
