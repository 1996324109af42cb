// The tag of a setup layer (runner/setup-layer.ts): a hash of everything that decides what the
// setup commands build — the runner image they start from, the commands of each repository,
// the contents of the repository files the commands name (requirements.txt in `pip install -r
// requirements.txt`) and the hosts they may reach. The same hash is the same layer: a job whose
// inputs hash alike reuses it without running anything; any change builds a new one.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { RUNNER_WORKDIR } from './runner-image.ts';

export const SETUP_IMAGE_REPO = 'spedy-setup';
/** Raised when how a layer is built changes, so layers built the old way are not reused. */
const layerFormat = 1;

export interface SetupLayerInputs {
  /** The runner image's id (sha256:…), not its tag: a rebuilt runner image is a new start. */
  runnerImageId: string;
  allowedHosts: readonly string[];
  /** Repositories with setup commands, in the job's order, each with the files its commands name. */
  repositories: readonly { commands: readonly string[]; files: Readonly<Record<string, string>> }[];
}

export function setupLayerTag(inputs: SetupLayerInputs): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify({
        layerFormat,
        runnerImageId: inputs.runnerImageId,
        // A set: the order a team lists its hosts in does not change what a command reaches.
        allowedHosts: [...new Set(inputs.allowedHosts)].sort(),
        repositories: inputs.repositories.map((repository) => ({
          commands: repository.commands,
          files: Object.entries(repository.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        })),
      }),
    )
    .digest('hex')
    .slice(0, 16);
  return `${SETUP_IMAGE_REPO}:${hash}`;
}

/** The arguments that may name a file: each argument, and the value of `--option=value`. */
function fileCandidates(argv: readonly string[]): string[] {
  return argv.slice(1).flatMap((arg) => {
    const value = /^-[^=]*=(.+)$/.exec(arg)?.[1];
    return [arg, ...(value ? [value] : [])].filter((candidate) => candidate !== '' && !candidate.startsWith('-') && !candidate.includes('\0'));
  });
}

function inside(dir: string, target: string): boolean {
  const relative = path.relative(dir, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * The SHA-256 of each repository file the commands name, by the name as written: relative to
 * the repository's folder (the commands' working directory), or absolute under /workspace.
 * Only regular files inside the workspace count (a symbolic link out of it, a folder or a
 * missing file adds nothing); so does a file a named file includes (`-r other.txt` inside
 * requirements.txt), which is why a command should name every file it reads.
 */
export async function namedFileDigests(options: { workspace: string; repositoryDir: string; commands: readonly (readonly string[])[] }): Promise<Record<string, string>> {
  const workspace = await fs.realpath(options.workspace);
  const digests: Record<string, string> = {};
  for (const name of new Set(options.commands.flatMap(fileCandidates))) {
    const onHost = name.startsWith('/')
      ? name === RUNNER_WORKDIR || name.startsWith(`${RUNNER_WORKDIR}/`)
        ? path.join(options.workspace, path.posix.relative(RUNNER_WORKDIR, name))
        : null
      : path.resolve(options.repositoryDir, name);
    if (!onHost || !inside(options.workspace, onHost)) continue;
    const real = await fs.realpath(onHost).catch(() => null);
    if (!real || !inside(workspace, real)) continue;
    const stat = await fs.stat(real);
    if (stat.isFile()) digests[name] = await sha256Of(real);
  }
  return digests;
}
