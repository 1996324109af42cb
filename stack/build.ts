import { spawn, type StdioOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StackError } from './errors.ts';
import { fromRoot, projectRoot } from './paths.ts';
import { abortError } from './time.ts';

/** Inputs of `next build`: a change in any of them triggers a rebuild. */
const INPUT_DIRS = ['app', 'components', 'lib', 'zero', 'public'];
const INPUT_FILES = ['package-lock.json', 'next.config.ts', 'proxy.ts', 'tsconfig.json', 'postcss.config.mjs'];
const SKIP_NAMES = new Set(['node_modules', '.next', '.data', '.test-data']);
const TEST_FILE = /\.test\.tsx?$/;

const HASH_FILE = fromRoot('.next', 'spedy-build-hash');
const BUILD_ID = fromRoot('.next', 'BUILD_ID');

function listFiles(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (SKIP_NAMES.has(entry.name) || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) listFiles(full, out);
    else if (entry.isFile() && !TEST_FILE.test(entry.name)) out.push(full);
  }
}

/** A hash over the paths and contents of the build inputs. */
export function sourceHash(): string {
  const files: string[] = [];
  for (const dir of INPUT_DIRS) listFiles(fromRoot(dir), files);
  for (const file of INPUT_FILES) if (fs.existsSync(fromRoot(file))) files.push(fromRoot(file));
  files.sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(projectRoot, file));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export interface EnsureAppBuiltOptions {
  /** Show next build's output live (otherwise it is printed only on failure). */
  verbose?: boolean;
  /** Extra environment for the build (e.g. DATABASE_URL and secrets the app reads at import time). */
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Called when a build is needed, just before it starts: there is none yet, or the sources changed. */
  onBuildStart?: (reason: 'no build yet' | 'sources changed') => void;
}

/** True when `.next` holds a production build of the current sources. */
export function isBuildCurrent(hash = sourceHash()): boolean {
  if (!fs.existsSync(BUILD_ID)) return false;
  try {
    return fs.readFileSync(HASH_FILE, 'utf8').trim() === hash;
  } catch {
    return false;
  }
}

/**
 * Runs `next build` when there is no production build or the sources changed
 * since the last one (hash in `.next/spedy-build-hash`). Returns whether it built.
 */
export async function ensureAppBuilt(options: EnsureAppBuiltOptions = {}): Promise<boolean> {
  const hash = sourceHash();
  if (isBuildCurrent(hash)) return false;
  options.onBuildStart?.(fs.existsSync(BUILD_ID) ? 'sources changed' : 'no build yet');
  fs.rmSync(HASH_FILE, { force: true });
  // Next's incremental type-check cache (TypeScript 7) was seen reporting errors
  // from an older version of a changed file: type-check from scratch.
  fs.rmSync(fromRoot('.next', 'cache', '.tsbuildinfo'), { force: true });

  const env: Record<string, string | undefined> = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  delete env.NODE_ENV; // next build sets production itself and warns about other values
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  const { signal, verbose } = options;
  if (signal?.aborted) throw abortError(signal);
  const output: string[] = [];
  const stdio: StdioOptions = verbose ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'];
  const child = spawn(process.execPath, [fromRoot('node_modules', '.bin', 'next'), 'build'], {
    cwd: projectRoot,
    env: env as NodeJS.ProcessEnv,
    stdio,
  });
  const collect = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 2000) output.splice(0, output.length - 2000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const onAbort = () => child.kill('SIGTERM');
  signal?.addEventListener('abort', onAbort, { once: true });

  const { code, sig, error } = await new Promise<{ code: number | null; sig: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('error', (err) => resolve({ code: null, sig: null, error: err }));
      child.once('close', (c, s) => resolve({ code: c, sig: s }));
    },
  );
  signal?.removeEventListener('abort', onAbort);
  if (signal?.aborted) throw abortError(signal);
  if (code !== 0) {
    const tail = output.join('').trimEnd().split('\n').slice(-80).join('\n');
    throw new StackError(
      `next build failed (${error?.message ?? (sig ? `signal ${sig}` : `exit code ${code}`)}); fix the error shown and start again.`,
      verbose ? undefined : tail,
    );
  }
  fs.writeFileSync(HASH_FILE, `${hash}\n`);
  return true;
}
