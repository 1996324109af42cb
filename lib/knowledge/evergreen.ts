// The evergreen rule: an entry is proposed evergreen when the comment states a convention
// rather than fixing one spot. A person can set or clear it (the knowledge mutators record who).

/** Wording of a convention: "always", "never", "prefer", "avoid", "use … instead", "we …", "should", "must". */
const conventionWording = /\b(always|never|prefer|avoid|use|don'?t|do not|should|must|instead of|rather than|convention|consistently|we)\b/i;

/** Wording that points at this one spot: a typo, "this line", "here", "this variable". */
const spotWording = /\b(typo|this line|this variable|this name|this value|rename this|here)\b/i;

/** Code quoted in backticks. */
const quotedCode = /`([^`]+)`/g;

/** camelCase, PascalCase with an inner capital, snake_case: names from the code, not words. */
const codeIdentifier = /\b([A-Za-z_$][A-Za-z0-9_$]*)\b/g;
const looksLikeIdentifier = (word: string) => /[a-z][A-Z]|_/.test(word);

/**
 * Proposed evergreen when all hold:
 * 1. the comment uses convention wording (see `conventionWording`);
 * 2. it does not point at the spot (see `spotWording`);
 * 3. it quotes nothing of the diff context: no backticked code and no code identifier
 *    (camelCase or snake_case) of the comment appears in the diff context's lines.
 * A comment tied to the content of one line fails 2 or 3.
 */
export function proposeEvergreen(comment: string, diffContext: string): boolean {
  if (!conventionWording.test(comment) || spotWording.test(comment)) return false;
  return quotedFromDiff(comment, diffContext).length === 0;
}

/** The code of the comment that also appears in the diff context. */
export function quotedFromDiff(comment: string, diffContext: string): string[] {
  const code = diffContext.split('\n').map((line) => line.replace(/^[+\- ]/, '')).join('\n');
  const quoted = [...comment.matchAll(quotedCode)].map((m) => m[1]!.trim()).filter((q) => q && code.includes(q));
  const identifiers = [...comment.matchAll(codeIdentifier)]
    .map((m) => m[1]!)
    .filter((word) => looksLikeIdentifier(word) && new RegExp(`\\b${word.replace(/\$/g, '\\$')}\\b`).test(code));
  return [...new Set([...quoted, ...identifiers])];
}
