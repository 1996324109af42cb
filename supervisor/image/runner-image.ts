import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
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

/** The runner image's Dockerfile (shipped in the bundle as runner.Dockerfile): the one source of the image. */
export const RUNNER_DOCKERFILE_PATH = fileURLToPath(new URL('./runner.Dockerfile', import.meta.url));

export function runnerDockerfile(): string {
  return fs.readFileSync(RUNNER_DOCKERFILE_PATH, 'utf8');
}

/** How this supervisor builds the image: which base, and (tests only) a build held until a URL answers. */
export interface RunnerImageVariant {
  /** The Dockerfile's BASE: spedy-base:bookworm (made here with debootstrap) or a published Debian image. */
  baseImage: string;
  /** Tests only: the build waits until this loopback URL answers (a separate tag on the same layers). */
  holdUrl?: string;
}

const defaultVariant: RunnerImageVariant = { baseImage: BASE_IMAGE };

interface RunnerImageInputs {
  node: PackedPackage;
  npm: PackedPackage;
  claude: ClaudeBinary;
}

/** The Dockerfile's build arguments: its base, and the user the agent runs as (one source: the constants above). */
function buildArgs(variant: RunnerImageVariant): Record<string, string> {
  return {
    BASE: variant.baseImage,
    RUNNER_UID: String(RUNNER_UID),
    RUNNER_HOME,
    RUNNER_WORKDIR,
    ...(variant.holdUrl ? { HOLD_URL: variant.holdUrl } : {}),
  };
}

/** The image tag: a hash of everything that goes into the image, so it is rebuilt only when one changes. */
export function runnerImageTag(inputs: RunnerImageInputs, variant: RunnerImageVariant = defaultVariant, dockerfile = runnerDockerfile()): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify({
        dockerfile,
        // Only a variant other than the default adds to what is hashed.
        ...(variant.baseImage !== BASE_IMAGE ? { base: variant.baseImage } : {}),
        ...(variant.holdUrl ? { hold: variant.holdUrl } : {}),
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
function buildContext(inputs: RunnerImageInputs, dockerfile: string): NodeJS.ReadableStream {
  const pack = tar.pack();
  void (async () => {
    pack.entry({ name: 'Dockerfile', mode: 0o644 }, dockerfile);
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
  /** Defaults to spedy-base:bookworm, made on this host with debootstrap when missing. */
  variant?: RunnerImageVariant;
  /** The supervisor runs in its own container: a missing spedy-base is an error, never bootstrapped. */
  inContainer?: boolean;
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
  const variant = options.variant ?? defaultVariant;
  const dockerfile = runnerDockerfile();
  const tag = runnerImageTag(inputs, variant, dockerfile);
  if (await imageExists(options.docker, tag)) return tag;

  const builds = building.get(options.docker) ?? new Map<string, Promise<string>>();
  building.set(options.docker, builds);
  let build = builds.get(tag);
  if (!build) {
    build = recordImageBuild(buildRunnerImage(tag, inputs, dockerfile, { ...options, variant, cacheDir }));
    builds.set(tag, build);
    build.finally(() => builds.delete(tag)).catch(() => undefined);
  }
  return build;
}

async function buildRunnerImage(
  tag: string,
  inputs: RunnerImageInputs,
  dockerfile: string,
  options: EnsureRunnerImageOptions & { cacheDir: string; variant: RunnerImageVariant },
): Promise<string> {
  const { docker, log, variant } = options;
  let started = performance.now();
  // A published base is pulled by the build itself when the engine lacks it.
  if (variant.baseImage === BASE_IMAGE) await ensureBaseImage({ docker, cacheDir: options.cacheDir, log, inContainer: options.inContainer, signal: options.signal });
  if (performance.now() - started > 1000) log?.(`  base image ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  started = performance.now();
  log?.(
    `  building ${tag} on ${variant.baseImage} (Node ${inputs.node.version}, npm ${inputs.npm.version}, Claude Code ${inputs.claude.version})`,
  );
  const progress = await docker.buildImage(buildContext(inputs, dockerfile), {
    t: tag,
    buildargs: buildArgs(variant),
    // apt inside the build reaches Debian's mirror only through the host's network.
    networkmode: 'host',
    rm: true,
    forcerm: true,
    // A test's held variant is labelled so the test can remove it again.
    labels: { 'spedy.image': 'runner', ...(variant.holdUrl ? { 'spedy.image.variant': 'test-hold' } : {}) },
    abortSignal: options.signal,
  });
  await followProgress(progress, `Building the runner image ${tag}`);
  if (!(await imageExists(docker, tag))) {
    throw new RunnerImageError(`Building the runner image ${tag} reported success, but the image is missing.`);
  }
  log?.(`  built ${tag} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // A test's held variant is an extra tag beside the real image, which other runs still use.
  if (!variant.holdUrl) await removeOlderRunnerImages(docker, tag, log);
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
