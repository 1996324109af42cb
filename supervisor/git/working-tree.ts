// What a stage's working tree holds, as one git tree id: every tracked, changed and new file
// (ignored ones not), staged into a copy of the clone's index so the agent's own index and
// staging stay as they were. Equal ids mean the same content, so "the same change three
// attempts in a row" (runner/no-progress.ts) is a comparison of ids.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runGit } from './git-command.ts';

/** `dir`'s working tree as a tree id; `home` (a folder of the job that git may write) holds the index copy for a moment. */
export async function workingTreeId(dir: string, home: string): Promise<string> {
  const ownIndex = path.resolve(dir, (await runGit(['rev-parse', '--git-path', 'index'], { cwd: dir, home })).stdout.trim());
  const index = path.join(home, `.spedy-index-${randomBytes(6).toString('hex')}`);
  try {
    // From the clone's index, git re-reads only the files whose stat changed.
    await fs.copyFile(ownIndex, index).catch(() => undefined);
    await runGit(['add', '--all', '--', '.'], { cwd: dir, home, indexFile: index });
    return (await runGit(['write-tree'], { cwd: dir, home, indexFile: index })).stdout.trim();
  } finally {
    await fs.rm(index, { force: true });
  }
}
