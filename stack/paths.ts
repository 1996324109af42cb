import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the project root (the folder holding package.json). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Resolves a path relative to the project root. */
export function fromRoot(...segments: string[]): string {
  return path.resolve(projectRoot, ...segments);
}

/** A path for messages: relative to the project root when inside it. */
export function displayPath(p: string): string {
  const rel = path.relative(projectRoot, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
