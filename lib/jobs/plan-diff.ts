// A revised plan beside the one it replaces (after Request changes), line by line: what
// stayed, what went (left) and what came (right). The diff is the `diff` package's
// (jsdiff, Myers' algorithm); this only lays it out in two columns.
import { diffLines } from 'diff';

export type PlanLine = { text: string; change: 'same' | 'removed' | 'added' };
export type PlanSideBySide = { before: PlanLine[]; after: PlanLine[]; changed: boolean };

const linesOf = (value: string) => value.replace(/\n$/, '').split('\n');
// A last line without its newline would differ from the same line with one.
const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

export function planSideBySide(previous: string, next: string): PlanSideBySide {
  const before: PlanLine[] = [];
  const after: PlanLine[] = [];
  let changed = false;
  for (const part of diffLines(withNewline(previous), withNewline(next))) {
    const lines = linesOf(part.value);
    if (part.added) {
      changed = true;
      after.push(...lines.map((text) => ({ text, change: 'added' as const })));
    } else if (part.removed) {
      changed = true;
      before.push(...lines.map((text) => ({ text, change: 'removed' as const })));
    } else {
      before.push(...lines.map((text) => ({ text, change: 'same' as const })));
      after.push(...lines.map((text) => ({ text, change: 'same' as const })));
    }
  }
  return { before, after, changed };
}
