import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { displayPath, supervisorRoot } from '../paths.ts';
import { runHostCommand } from './host-command.ts';
import { RunnerImageError } from './image-error.ts';

/** The native Claude Code binary that goes into the runner image. */
export interface ClaudeBinary {
  path: string;
  /** Version of the platform package holding it. */
  version: string;
  size: number;
}

/** A package tarball fetched with `npm pack` into the image cache. */
export interface PackedPackage {
  tarball: string;
  version: string;
}

/** npm's name for this machine's platform packages (`linux-x64`, `linux-arm64`). */
function platform(): string {
  return `${os.platform()}-${os.arch()}`;
}

function isElf(file: string): boolean {
  const magic = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, magic, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  return magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
}

function binaryIn(manifest: string, relative: string): ClaudeBinary | null {
  const binary = path.join(path.dirname(manifest), relative);
  if (!fs.existsSync(binary) || !isElf(binary)) return null;
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string };
  return { path: binary, version, size: fs.statSync(binary).size };
}

/**
 * Finds the native `claude` binary in node_modules: in
 * `@anthropic-ai/claude-code-<platform>` (an optional dependency of
 * `@anthropic-ai/claude-code`, hoisted or nested), else the wrapper's
 * `bin/claude.exe`, which its postinstall replaces with the same binary.
 */
export function resolveClaudeBinary(root = supervisorRoot): ClaudeBinary {
  const platformPackage = `@anthropic-ai/claude-code-${platform()}`;
  const fromProject = createRequire(path.join(root, 'package.json'));
  let wrapperManifest: string | undefined;
  try {
    wrapperManifest = fromProject.resolve('@anthropic-ai/claude-code/package.json');
  } catch {}
  const resolvers = [fromProject, ...(wrapperManifest ? [createRequire(wrapperManifest)] : [])];
  for (const resolver of resolvers) {
    try {
      const found = binaryIn(resolver.resolve(`${platformPackage}/package.json`), 'claude');
      if (found) return found;
    } catch {}
  }
  const fromWrapper = wrapperManifest ? binaryIn(wrapperManifest, path.join('bin', 'claude.exe')) : null;
  if (fromWrapper) return fromWrapper;
  throw new RunnerImageError(
    `The Claude Code binary for the runner image is missing: ${platformPackage} is not installed in ` +
      `${displayPath(path.join(root, 'node_modules'))}. It comes with the devDependency @anthropic-ai/claude-code: ` +
      `run npm install (npm ci in CI), and make sure optional dependencies are not omitted.`,
  );
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/**
 * The tarball of `name@major` in `cacheDir`: the newest one already there,
 * else fetched once with `npm pack` (the only step that needs the registry).
 * Its version is part of the image's hash, so a cached tarball keeps the
 * image stable until the cache is cleared.
 */
export async function packedPackage(name: string, major: number, cacheDir: string): Promise<PackedPackage> {
  const fileName = name.replace(/^@/, '').replace('/', '-');
  const pattern = new RegExp(`^${fileName}-(${major}\\.\\d+\\.\\d+)\\.tgz$`);
  const cached = () =>
    fs
      .readdirSync(cacheDir)
      .map((file) => pattern.exec(file))
      .filter((m) => m !== null)
      .map((m) => ({ tarball: path.join(cacheDir, m[0]), version: m[1]! }))
      .sort((a, b) => compareVersions(b.version, a.version))[0];
  fs.mkdirSync(cacheDir, { recursive: true });
  const found = cached();
  if (found) return found;
  try {
    await runHostCommand('npm', ['pack', `${name}@${major}`, '--pack-destination', cacheDir, '--silent'], { cwd: cacheDir });
  } catch (err) {
    throw new RunnerImageError(
      `Could not fetch ${name}@${major} for the runner image with npm pack (is the npm registry reachable?). ` +
        `Alternatively place its tarball in ${displayPath(cacheDir)}.`,
      err instanceof RunnerImageError ? (err.details ?? err.message) : String(err),
    );
  }
  const packed = cached();
  if (!packed) throw new RunnerImageError(`npm pack ${name}@${major} left no tarball in ${displayPath(cacheDir)}.`);
  return packed;
}

/** Node 22 for the image: the official build, published on npm as `node-<platform>`. */
export function nodePackage(cacheDir: string): Promise<PackedPackage> {
  return packedPackage(`node-${platform()}`, 22, cacheDir);
}

/** npm itself (the Node package carries only the binary); 10 is the major Node 22 ships with. */
export function npmPackage(cacheDir: string): Promise<PackedPackage> {
  return packedPackage('npm', 10, cacheDir);
}
