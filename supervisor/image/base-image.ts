import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { dockerInstallHint } from '../container/docker-probe.ts';
import { displayPath } from '../paths.ts';
import { debianMirror } from './apt-mirror.ts';
import { runHostCommand } from './host-command.ts';
import { RunnerImageError } from './image-error.ts';
import { imageExists } from './image-exists.ts';
import { followProgress } from './progress.ts';

export const BASE_SUITE = 'bookworm';
/** A minimal Debian made on this machine: no registry is reachable here, so nothing is pulled. */
export const BASE_IMAGE = `spedy-base:${BASE_SUITE}`;

export interface EnsureBaseImageOptions {
  docker: Docker;
  /** Holds the root filesystem tarball, so a fresh engine imports it in seconds instead of bootstrapping again. */
  cacheDir: string;
  log?: (line: string) => void;
  /** The supervisor runs in its own container (SPEDY_IN_CONTAINER): it never runs debootstrap there. */
  inContainer?: boolean;
  signal?: AbortSignal;
}

function rootfsTarball(cacheDir: string): string {
  return path.join(cacheDir, `rootfs-${BASE_SUITE}-minbase.tar`);
}

/** debootstrap's minbase variant (essential packages and apt) into a tarball; needs root. */
async function bootstrapRootfs(tarball: string, options: EnsureBaseImageOptions): Promise<void> {
  // debootstrap needs root on the host; a supervisor in its container is not given that.
  if (options.inContainer) {
    throw new RunnerImageError(
      `The runner image's base ${BASE_IMAGE} is not in the Docker engine, and the supervisor does not make it inside its container. ` +
        'Run ./setup.sh on the host (it makes the base with debootstrap, as root), or set SPEDY_RUNNER_BASE_IMAGE to a published Debian image such as debian:bookworm-slim.',
    );
  }
  if (process.getuid?.() !== 0) {
    throw new RunnerImageError('Building the runner base image needs root (debootstrap). Run as root, or import a base image yourself.');
  }
  const mirror = debianMirror(BASE_SUITE);
  options.log?.(`  bootstrapping Debian ${BASE_SUITE} from ${mirror} (about a minute)`);
  const workDir = fs.mkdtempSync(path.join(options.cacheDir, 'rootfs-'));
  const rootfs = path.join(workDir, 'root');
  try {
    try {
      await runHostCommand('debootstrap', ['--variant=minbase', BASE_SUITE, rootfs, mirror], { signal: options.signal });
    } catch (err) {
      if (err instanceof RunnerImageError && /not installed/.test(err.message)) {
        throw new RunnerImageError(`debootstrap is needed to build the runner image. Install it with: ${dockerInstallHint()}`);
      }
      throw err;
    }
    // Downloaded packages and indexes are not needed in the image; the build runs apt-get update itself.
    for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
      for (const entry of fs.readdirSync(path.join(rootfs, dir))) {
        if (entry !== 'partial' && entry !== 'lock') fs.rmSync(path.join(rootfs, dir, entry), { recursive: true, force: true });
      }
    }
    const partial = path.join(workDir, 'rootfs.tar');
    await runHostCommand('tar', ['-C', rootfs, '--numeric-owner', '-c', '-f', partial, '.'], { signal: options.signal });
    fs.renameSync(partial, tarball);
  } finally {
    await fs.promises.rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Makes sure `spedy-base:bookworm` exists in the engine: imported from the
 * cached root filesystem tarball, which is bootstrapped first if missing.
 * Returns the image name.
 */
export async function ensureBaseImage(options: EnsureBaseImageOptions): Promise<string> {
  const { docker } = options;
  if (await imageExists(docker, BASE_IMAGE)) return BASE_IMAGE;
  fs.mkdirSync(options.cacheDir, { recursive: true });
  const tarball = rootfsTarball(options.cacheDir);
  if (!fs.existsSync(tarball)) await bootstrapRootfs(tarball, options);
  options.log?.(`  importing ${BASE_IMAGE} from ${displayPath(tarball)}`);
  const [repo, tag] = BASE_IMAGE.split(':');
  const progress = await docker.importImage(fs.createReadStream(tarball), { repo, tag });
  await followProgress(progress, `Importing ${BASE_IMAGE}`);
  if (!(await imageExists(docker, BASE_IMAGE))) {
    throw new RunnerImageError(`Importing ${BASE_IMAGE} from ${displayPath(tarball)} reported success, but the image is missing.`);
  }
  return BASE_IMAGE;
}
