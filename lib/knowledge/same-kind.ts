// "The same kind of comment": the rule that decides whether a later review comment repeats
// (or contradicts) an entry. Pure; PostgreSQL's English full-text parser supplies the
// lexemes (lexemes.ts), so "logging" and "logs" are the same word and "the", "a" are not words.

/** A later comment repeats an entry from this similarity on (and the paths are alike). */
export const sameKindSimilarity = 0.5;
/** A later comment with reversal wording contradicts an entry from this similarity on (and the paths are alike). */
export const contradictionSimilarity = 0.35;

/** "No need", "is fine", "ignore that", "no longer", "not necessary": a reviewer taking a rule back. */
const reversalWording = /\b(no need|not needed|isn'?t needed|unnecessary|not necessary|is fine|are fine|is ok(ay)?|no longer|ignore (that|the)|disregard|doesn'?t matter)\b/i;

/** Dice coefficient of two lexeme sets: 2·|A∩B| / (|A|+|B|), 0 for two empty sets. */
export function lexemeSimilarity(a: readonly string[], b: readonly string[]): number {
  const left = new Set(a);
  const right = new Set(b);
  if (left.size + right.size === 0) return 0;
  let shared = 0;
  for (const lexeme of left) if (right.has(lexeme)) shared++;
  return (2 * shared) / (left.size + right.size);
}

const extensionOf = (filePath: string) => /\.([^./]+)$/.exec(filePath)?.[1]?.toLowerCase() ?? '';
const directoryOf = (filePath: string) => filePath.replace(/\/?[^/]*$/, '');

/** The path rule: the same file, the same directory, or files of the same type (the same extension). */
export function pathsAlike(a: string, b: string): boolean {
  if (a === b) return true;
  if (directoryOf(a) === directoryOf(b)) return true;
  const extension = extensionOf(a);
  return extension !== '' && extension === extensionOf(b);
}

export type SameKindVerdict = 'recurrence' | 'contradiction' | null;

/**
 * A later comment (on another pull request) about an existing entry:
 * - recurrence: paths alike and similarity ≥ 0.5, without reversal wording;
 * - contradiction: paths alike, similarity ≥ 0.35, with reversal wording ("no need", "is fine"…);
 * - otherwise unrelated (null).
 */
export function judgeSameKind(
  entry: { filePath: string; lexemes: readonly string[] },
  later: { filePath: string; lexemes: readonly string[]; body: string },
): { verdict: SameKindVerdict; similarity: number } {
  const similarity = lexemeSimilarity(entry.lexemes, later.lexemes);
  if (!pathsAlike(entry.filePath, later.filePath)) return { verdict: null, similarity };
  if (reversalWording.test(later.body)) return { verdict: similarity >= contradictionSimilarity ? 'contradiction' : null, similarity };
  return { verdict: similarity >= sameKindSimilarity ? 'recurrence' : null, similarity };
}
