// The diff hunk of an inline review comment, cut from a pull request's unified diff (as
// `git diff base...head` prints it, and as Bitbucket's pull request diff is): the header of
// the hunk holding the commented line and the hunk's lines up to and including that line,
// as GitHub's `diff_hunk` is. GitHub hands it with each comment; for Bitbucket, whose
// comments name only `inline.to` (new-file line) or `inline.from` (a removed line's old-file
// line), the client cuts it here. The test kit's GitHub stand-in cuts its diff_hunk here too.

/** Which file's line a comment names: the new file's (added or unchanged lines) or the old file's (a removed line). */
export type DiffSide = 'new' | 'old';

const hunkHeader = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** The hunk up to `line` of `path` on `side`; null for a line or a file outside the diff. */
export function diffHunkAt(diff: string, path: string, line: number, side: DiffSide = 'new'): string | null {
  let oldPath = '';
  let inFile = false;
  let hunk: string[] | null = null;
  let oldLine = 0;
  let newLine = 0;
  for (const text of diff.split('\n')) {
    if (text.startsWith('diff --git ')) {
      inFile = false;
      hunk = null;
      continue;
    }
    if (!hunk && text.startsWith('--- ')) {
      oldPath = text.slice(4);
      continue;
    }
    if (!hunk && text.startsWith('+++ ')) {
      const newPath = text.slice(4);
      // A deleted file's comments name its old path (the new side is /dev/null).
      inFile = newPath === `b/${path}` || (newPath === '/dev/null' && oldPath === `a/${path}`);
      continue;
    }
    if (!inFile) continue;
    const header = hunkHeader.exec(text);
    if (header) {
      hunk = [text];
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      continue;
    }
    if (!hunk) continue;
    if (text.startsWith('\\')) {
      hunk.push(text);
    } else if (text.startsWith('-')) {
      hunk.push(text);
      if (side === 'old' && oldLine === line) return hunk.join('\n');
      oldLine++;
    } else if (text.startsWith('+')) {
      hunk.push(text);
      if (side === 'new' && newLine === line) return hunk.join('\n');
      newLine++;
    } else if (text.startsWith(' ')) {
      hunk.push(text);
      if ((side === 'new' ? newLine : oldLine) === line) return hunk.join('\n');
      oldLine++;
      newLine++;
    }
  }
  return null;
}
