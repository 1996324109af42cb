// GitHub's diff_hunk of an inline review comment, cut from a pull request's unified diff (as
// `git diff base...head` prints it): the header of the hunk holding the commented line and
// the hunk's lines up to and including that line (on the new side). GitHub refuses a
// comment on a line outside the diff; the stand-in answers with no hunk (null) instead.

const hunkHeader = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

export function diffHunkAt(diff: string, path: string, line: number): string | null {
  let inFile = false;
  let hunk: string[] | null = null;
  let newLine = 0;
  for (const text of diff.split('\n')) {
    if (text.startsWith('diff --git ')) {
      inFile = false;
      hunk = null;
      continue;
    }
    if (!hunk && text.startsWith('+++ ')) {
      inFile = text.slice(4) === `b/${path}`;
      continue;
    }
    if (!inFile) continue;
    const header = hunkHeader.exec(text);
    if (header) {
      hunk = [text];
      newLine = Number(header[1]);
      continue;
    }
    if (!hunk) continue;
    if (text.startsWith('-') || text.startsWith('\\')) {
      hunk.push(text);
    } else if (text.startsWith('+') || text.startsWith(' ')) {
      hunk.push(text);
      if (newLine === line) return hunk.join('\n');
      newLine++;
    }
  }
  return null;
}
