// Where the supervisor lives. `packageRoot` is the @spedy/supervisor package (this folder,
// holding its package.json). `supervisorRoot` is where it runs from: the folder holding the
// node_modules with its dependencies (the Claude Code binary the runner image copies in) and
// its `.data/` (the image build's download cache) — the checkout's root in development, the
// install folder when the package was installed with npm (…/node_modules/@spedy/supervisor).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageRoot = path.dirname(fileURLToPath(import.meta.url));

/** The folder above the outermost node_modules holding `dir`, or null when `dir` is not inside one. */
export function installFolderOf(dir: string): string | null {
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = `${dir}${path.sep}`.indexOf(marker);
  return at < 0 ? null : dir.slice(0, at) || path.sep;
}

const installFolder = installFolderOf(packageRoot);

export const supervisorRoot = installFolder ?? path.resolve(packageRoot, '..');

/**
 * The `.env` the `spedy-supervisor` command reads: beside node_modules when installed (where
 * setup.sh writes it), supervisor/.env in the checkout (the root's .env is the platform's).
 */
export const defaultEnvFile = path.join(installFolder ?? packageRoot, '.env');

/** Resolves a path relative to the supervisor's root folder. */
export function fromSupervisorRoot(...segments: string[]): string {
  return path.resolve(supervisorRoot, ...segments);
}

/** A path for messages: relative to the supervisor's root when inside it. */
export function displayPath(p: string): string {
  const rel = path.relative(supervisorRoot, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
