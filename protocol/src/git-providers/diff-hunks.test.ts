import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../../test-kit/git-remote/repositories.ts';
import { diffHunkAt } from './diff-hunks.ts';

const before = ['export function charge(amount) {', '  const total = amount;', '  return total;', '}', '', 'export const currency = "EUR";', ''].join('\n');
const after = ['export function charge(amount) {', '  const total = amount;', '  console.log(total);', '  return total;', '}', '', 'export const currency = "USD";', ''].join('\n');

let work: string;
let diff: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'spedy-diff-hunks-'));
  await git(['init', '--quiet', '--initial-branch=main'], work);
  await writeFile(join(work, 'charge.js'), before);
  await writeFile(join(work, 'README.md'), '# Shop\n');
  await writeFile(join(work, 'legacy.js'), 'module.exports = 1;\n');
  await git(['add', '.'], work);
  await git(['commit', '--quiet', '-m', 'base'], work);
  await git(['checkout', '--quiet', '-b', 'feature'], work);
  await writeFile(join(work, 'charge.js'), after);
  await writeFile(join(work, 'hello.js'), "console.log('Hello from Spedy');\n");
  await rm(join(work, 'legacy.js'));
  await git(['add', '-A'], work);
  await git(['commit', '--quiet', '-m', 'change'], work);
  // One line of context: the two changes of charge.js are two hunks.
  diff = await git(['diff', '-U1', 'main...feature'], work);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("a review comment's diff hunk (GitHub's diff_hunk) from a branch's real diff", () => {
  it('is the hunk header and its lines up to the commented line', () => {
    expect(diffHunkAt(diff, 'charge.js', 3)).toBe('@@ -2,2 +2,3 @@ export function charge(amount) {\n   const total = amount;\n+  console.log(total);');
    expect(diffHunkAt(diff, 'charge.js', 7)).toBe('@@ -5,2 +6,2 @@ export function charge(amount) {\n \n-export const currency = "EUR";\n+export const currency = "USD";');
    expect(diffHunkAt(diff, 'hello.js', 1)).toBe("@@ -0,0 +1 @@\n+console.log('Hello from Spedy');");
  });

  it("cuts a removed line's hunk by its old-file line (Bitbucket's inline.from), a deleted file's too", () => {
    expect(diffHunkAt(diff, 'charge.js', 6, 'old')).toBe('@@ -5,2 +6,2 @@ export function charge(amount) {\n \n-export const currency = "EUR";');
    expect(diffHunkAt(diff, 'charge.js', 2, 'old')).toBe('@@ -2,2 +2,3 @@ export function charge(amount) {\n   const total = amount;');
    expect(diffHunkAt(diff, 'legacy.js', 1, 'old')).toBe('@@ -1 +0,0 @@\n-module.exports = 1;');
    expect(diffHunkAt(diff, 'legacy.js', 1)).toBeNull();
  });

  it('has none for a line or a file outside the diff', () => {
    expect(diffHunkAt(diff, 'charge.js', 5)).toBeNull();
    expect(diffHunkAt(diff, 'README.md', 1)).toBeNull();
  });
});
