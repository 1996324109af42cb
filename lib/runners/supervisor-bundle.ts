// The supervisor bundle: what a runner host installs instead of the platform. A folder with
// the packed @spedy/supervisor and @spedy/protocol packages, a package.json that depends on
// them and a package-lock.json cut from the platform's own lock, so `npm ci` on the runner host
// installs exactly the versions the platform was tested with (and works offline from a
// populated npm cache) — and nothing of the platform: no Next.js, React or Zero. Beside them:
// setup.sh, the supervisor's Dockerfile, the runner image's (runner.Dockerfile) and a README.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';

const run = promisify(execFile);

/** The workspace packages the bundle carries, by their folder in the checkout. */
const bundledWorkspaces = ['supervisor', 'protocol'] as const;

const lockEntry = z
  .object({
    name: z.string().optional(),
    version: z.string().optional(),
    link: z.boolean().optional(),
    resolved: z.string().optional(),
    dependencies: z.record(z.string(), z.string()).optional(),
    optionalDependencies: z.record(z.string(), z.string()).optional(),
    peerDependencies: z.record(z.string(), z.string()).optional(),
    peerDependenciesMeta: z.record(z.string(), z.object({ optional: z.boolean().optional() })).optional(),
  })
  .loose();
type LockEntry = z.infer<typeof lockEntry>;

const lockfile = z.object({ lockfileVersion: z.literal(3), packages: z.record(z.string(), lockEntry) }).loose();

/** A packed workspace package: its name and the tarball's file name and integrity (from `npm pack --json`). */
export type PackedWorkspace = { name: string; version: string; filename: string; integrity: string };

/**
 * The runner host's lock: the packed workspaces at node_modules/<name> (resolved to their
 * tarballs beside the lock) and every package they need, at the place the platform's lock
 * puts it. Follows dependencies the way Node resolves them (nearest node_modules first), and
 * optional and non-optional peer dependencies too; drops the dev flags (nothing here is dev).
 */
export type RunnerHostLock = { name: string; version: string; lockfileVersion: 3; requires: true; packages: Record<string, LockEntry> };

/** The host's package.json dependencies: the tarballs beside it. */
function tarballDependencies(packed: readonly PackedWorkspace[]): Record<string, string> {
  return Object.fromEntries(packed.map((p) => [p.name, `file:${p.filename}`]));
}

export function runnerHostLock(platformLock: unknown, packed: readonly PackedWorkspace[]): RunnerHostLock {
  const { packages } = lockfile.parse(platformLock);
  const out: Record<string, LockEntry> = {};
  const workspaceOf = new Map<string, { folder: string; packed: PackedWorkspace }>();
  for (const p of packed) {
    const folder = Object.keys(packages).find((k) => !k.includes('node_modules') && packages[k]?.name === p.name);
    if (!folder) throw new Error(`The platform's package-lock.json has no workspace named ${p.name}.`);
    workspaceOf.set(p.name, { folder, packed: p });
  }

  /** Where `name` resolves from the package at `from` in the platform's lock. */
  const resolveFrom = (from: string, name: string): string | undefined => {
    let dir = from;
    for (;;) {
      const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (packages[candidate]) return candidate;
      if (!dir) return undefined;
      const at = dir.lastIndexOf('/node_modules/');
      dir = at < 0 ? '' : dir.slice(0, at);
    }
  };
  /** A platform lock location as it sits on the runner host (a workspace's own node_modules move under its package). */
  const hostLocation = (location: string): string => {
    for (const [name, ws] of workspaceOf) if (location.startsWith(`${ws.folder}/`)) return `node_modules/${name}${location.slice(ws.folder.length)}`;
    return location;
  };

  const queue: string[] = [];
  for (const [name, ws] of workspaceOf) {
    const { name: _name, ...manifest } = packages[ws.folder] ?? {};
    out[`node_modules/${name}`] = { ...manifest, version: ws.packed.version, resolved: `file:${ws.packed.filename}`, integrity: ws.packed.integrity };
    queue.push(ws.folder);
  }
  const seen = new Set(queue);
  while (queue.length > 0) {
    const from = queue.shift() as string;
    const entry = packages[from] ?? {};
    const wanted = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((n) => !entry.peerDependenciesMeta?.[n]?.optional),
    ];
    for (const name of wanted) {
      if (workspaceOf.has(name)) continue;
      const location = resolveFrom(from, name);
      if (!location) {
        if (entry.optionalDependencies?.[name]) continue; // another platform's binary
        throw new Error(`${name}, needed by ${from}, is not in the platform's package-lock.json.`);
      }
      let target = location;
      const linked = packages[location];
      if (linked?.link && linked.resolved) target = linked.resolved;
      if (seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...rest } = packages[target] as LockEntry & Record<string, unknown>;
      out[hostLocation(target)] = rest;
    }
  }
  const dependencies = tarballDependencies(packed);
  return {
    name: 'spedy-runner',
    version: packed.find((p) => p.name === '@spedy/supervisor')?.version ?? '0.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: 'spedy-runner', dependencies }, ...Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b))) },
  };
}

const packOutput = z.array(z.object({ name: z.string(), version: z.string(), filename: z.string(), integrity: z.string() }));

/** The installer's files (supervisor/bundle/): setup.sh, the supervisor's Dockerfile, its README and every setting in .env.example. */
const installerFiles = ['setup.sh', 'Dockerfile', '.dockerignore', 'README.md', '.env.example'] as const;

/**
 * The runner image's Dockerfile, beside the supervisor's in the bundle under this name. Its one
 * source is supervisor/image/runner.Dockerfile, which the supervisor builds the image from (the
 * packed package carries it too); setup.sh builds its `debian-node` stage as the supervisor's
 * base where no registry offers a Node image.
 */
export const runnerDockerfileName = 'runner.Dockerfile';

/**
 * Writes the bundle into `outDir` (created if missing) from the checkout at `root`: the two
 * tarballs, package.json and package-lock.json (`npm ci --omit=dev` installs them), and the
 * installer (`./setup.sh`, then `docker compose up -d` builds the supervisor's image from them).
 */
export async function buildSupervisorBundle(root: string, outDir: string): Promise<{ packed: PackedWorkspace[] }> {
  fs.mkdirSync(outDir, { recursive: true });
  const packed: PackedWorkspace[] = [];
  for (const folder of bundledWorkspaces) {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: path.join(root, folder) });
    packed.push(...packOutput.parse(JSON.parse(stdout)));
  }
  const lock = runnerHostLock(JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')), packed);
  const manifest = {
    name: lock.name,
    version: lock.version,
    private: true,
    description: 'A Spedy runner host: the supervisor and what it needs, nothing of the platform.',
    dependencies: tarballDependencies(packed),
  };
  fs.writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  for (const file of installerFiles) fs.copyFileSync(path.join(root, 'supervisor', 'bundle', file), path.join(outDir, file));
  fs.copyFileSync(path.join(root, 'supervisor', 'image', 'runner.Dockerfile'), path.join(outDir, runnerDockerfileName));
  return { packed };
}

/** The bundle as one download: `spedy-supervisor-<version>.tar.gz`, a folder of that name inside. */
export type SupervisorBundleArchive = { file: string; filename: string; version: string; size: number };

const supervisorManifest = z.object({ version: z.string().regex(/^[0-9A-Za-z.+-]+$/) });
const archives = new Map<string, Promise<SupervisorBundleArchive>>();

/**
 * The downloadable bundle of the checkout at `root`, written into `cacheDir` on the first call
 * (npm pack takes seconds) and reused by this process afterwards; concurrent callers share one
 * build, and a failed build is tried again on the next call.
 */
export function supervisorBundleArchive(root: string, cacheDir: string): Promise<SupervisorBundleArchive> {
  const key = `${root}\0${cacheDir}`;
  let pending = archives.get(key);
  if (!pending) {
    pending = writeBundleArchive(root, cacheDir);
    archives.set(key, pending);
    pending.catch(() => archives.delete(key));
  }
  return pending;
}

async function writeBundleArchive(root: string, cacheDir: string): Promise<SupervisorBundleArchive> {
  const { version } = supervisorManifest.parse(JSON.parse(fs.readFileSync(path.join(root, 'supervisor', 'package.json'), 'utf8')));
  const name = `spedy-supervisor-${version}`;
  fs.mkdirSync(cacheDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(cacheDir, `${name}-`));
  try {
    await buildSupervisorBundle(root, path.join(staging, name));
    const partial = path.join(staging, `${name}.tar.gz`);
    await run('tar', ['-czf', partial, '-C', staging, '--owner=0', '--group=0', '--numeric-owner', name]);
    // Renamed into place, so another instance of the platform writing the same file never serves half of it.
    const file = path.join(cacheDir, `${name}.tar.gz`);
    fs.renameSync(partial, file);
    return { file, filename: `${name}.tar.gz`, version, size: fs.statSync(file).size };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
