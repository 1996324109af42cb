import { describe, expect, it } from 'vitest';
import { confidenceOf } from './confidence.ts';
import { proposeEvergreen, quotedFromDiff } from './evergreen.ts';
import { judgeSameKind, lexemeSimilarity, pathsAlike } from './same-kind.ts';
import { pathsNamedIn, repositoryPath } from './ticket-paths.ts';

const diff = '@@ -1,3 +1,4 @@\n const total = sumLineItems(items);\n+console.log(total);\n return total;';

describe('confidence', () => {
  it('is 0.5 without evidence and moves both ways, whatever the order of the rows', () => {
    expect(confidenceOf([])).toBe(0.5);
    expect(confidenceOf([{ kind: 'recurrence' }, { kind: 'resolved' }])).toBe(0.75);
    expect(confidenceOf([{ kind: 'resolved' }, { kind: 'recurrence' }])).toBe(0.75);
    expect(confidenceOf([{ kind: 'dismissed' }])).toBe(0.2);
    expect(confidenceOf([{ kind: 'contradicted' }, { kind: 'edited' }])).toBe(0.15);
    expect(confidenceOf(Array.from({ length: 6 }, () => ({ kind: 'recurrence' as const })))).toBe(1);
    expect(confidenceOf([{ kind: 'dismissed' }, { kind: 'dismissed' }])).toBe(0);
  });
});

describe('the evergreen rule', () => {
  it('proposes a convention stated without code of the diff', () => {
    expect(proposeEvergreen('Always use the shared logger instead of console.log in services.', diff)).toBe(true);
    expect(proposeEvergreen('Prefer named exports for React components.', diff)).toBe(true);
  });

  it('does not propose a comment tied to the line: quoted code, identifiers of the diff, or pointing at the spot', () => {
    expect(proposeEvergreen('Never call `sumLineItems(items)` twice.', diff)).toBe(false);
    expect(proposeEvergreen('You should not recompute sumLineItems on every render.', diff)).toBe(false);
    expect(quotedFromDiff('You should not recompute sumLineItems on every render.', diff)).toEqual(['sumLineItems']);
    expect(proposeEvergreen('Use a constant here.', diff)).toBe(false);
    expect(proposeEvergreen('Typo in the message.', diff)).toBe(false);
    expect(proposeEvergreen('Looks good.', diff)).toBe(false);
  });
});

describe('the evergreen rule on a diff_hunk as GitHub sends it', () => {
  // `git diff` output for a review comment on line 3 of the new file: header (with the enclosing function), context, a removed and an added line.
  const hunk = '@@ -1,4 +1,4 @@ export async function chargeCard(order) {\n   const amountCents = toCents(order.total);\n-  console.log(amountCents);\n+  logger.info({ amountCents }, \'charging\');';

  it('proposes a convention that names none of the code', () => {
    expect(proposeEvergreen('Always log through the shared logger with structured fields, never with console output.', hunk)).toBe(true);
  });

  it("refuses a comment that quotes the hunk's code: an added line, a context line, a removed line, the enclosing function", () => {
    expect(quotedFromDiff("Prefer a message that says what failed over `'charging'`.", hunk)).toEqual(["'charging'"]);
    expect(proposeEvergreen('You should round amountCents once, in one place.', hunk)).toBe(false);
    expect(proposeEvergreen('Never bring back `console.log(amountCents)`.', hunk)).toBe(false);
    expect(proposeEvergreen('We should retry chargeCard on network errors.', hunk)).toBe(false);
  });
});

describe('the same-kind rule', () => {
  it('compares lexeme sets with the Dice coefficient', () => {
    expect(lexemeSimilarity(['log', 'error'], ['log', 'error'])).toBe(1);
    expect(lexemeSimilarity(['log', 'error', 'share', 'logger'], ['log', 'payment'])).toBeCloseTo(1 / 3);
    expect(lexemeSimilarity([], [])).toBe(0);
  });

  it('takes the same file, the same folder or the same kind of file as alike paths', () => {
    expect(pathsAlike('src/a.ts', 'src/a.ts')).toBe(true);
    expect(pathsAlike('src/a.ts', 'src/b.sql')).toBe(true);
    expect(pathsAlike('src/a.ts', 'lib/deep/b.ts')).toBe(true);
    expect(pathsAlike('src/a.ts', 'docs/b.md')).toBe(false);
  });

  it('tells a recurrence from a contradiction and from a comment about something else', () => {
    const entry = { filePath: 'src/a.ts', lexemes: ['alway', 'log', 'error', 'share', 'logger'] };
    expect(judgeSameKind(entry, { filePath: 'src/b.ts', lexemes: ['log', 'error', 'share', 'logger', 'pleas'], body: 'Please log errors with the shared logger' }).verdict).toBe('recurrence');
    expect(judgeSameKind(entry, { filePath: 'src/b.ts', lexemes: ['log', 'error', 'fine'], body: 'Logging errors to the console is fine in scripts' }).verdict).toBe('contradiction');
    expect(judgeSameKind(entry, { filePath: 'src/b.ts', lexemes: ['log', 'payment', 'id', 'trace'], body: 'Log the payment id' }).verdict).toBeNull();
    expect(judgeSameKind(entry, { filePath: 'docs/b.md', lexemes: entry.lexemes, body: 'Always log errors with the shared logger' }).verdict).toBeNull();
  });
});

describe('paths a ticket touches', () => {
  it('finds paths named in prose, not URLs or versions', () => {
    expect(pathsNamedIn('Change src/payments/refund.ts and `lib/log.ts`, see https://example.com/a/b.ts and README.md; bump to 1.2.3.')).toEqual([
      'src/payments/refund.ts',
      'lib/log.ts',
      'README.md',
    ]);
  });

  it("reads the agent's workspace path as the repository's", () => {
    expect(repositoryPath('/workspace/shop/src/a.ts')).toBe('src/a.ts');
  });
});
