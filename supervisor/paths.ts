// Where the supervisor runs from: the folder holding its package.json (today the checkout).
// Its node_modules hold the Claude Code binary the runner image copies in, and its `.data/`
// the image build's download cache.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const supervisorRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Resolves a path relative to the supervisor's root folder. */
export function fromSupervisorRoot(...segments: string[]): string {
  return path.resolve(supervisorRoot, ...segments);
}

/** A path for messages: relative to the supervisor's root when inside it. */
export function displayPath(p: string): string {
  const rel = path.relative(supervisorRoot, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
