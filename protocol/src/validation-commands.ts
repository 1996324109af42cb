// Validation commands run one per line as an argument list, without a shell, so
// shell syntax is refused outright rather than half-working.
const dangerousPatterns: { pattern: RegExp; shown: string }[] = [
  { pattern: /&&/, shown: '&&' },
  { pattern: /\|\|/, shown: '||' },
  { pattern: /;/, shown: ';' },
  { pattern: /\|/, shown: '|' },
  { pattern: /`/, shown: '`' },
  { pattern: /\$\(/, shown: '$(' },
  { pattern: />/, shown: '>' },
  { pattern: /</, shown: '<' },
  { pattern: /&\s*$|&(?!&)/, shown: '&' },
  { pattern: /\n|\r/, shown: 'a line break' },
];

/** The reason a validation command is refused, or null when it may run. */
export function validationCommandProblem(command: string): string | null {
  const trimmed = command.trim();
  if (!trimmed) return 'Validation commands cannot be empty.';
  if (trimmed.length > 500) return 'Validation commands are at most 500 characters.';
  for (const { pattern, shown } of dangerousPatterns) {
    if (pattern.test(trimmed)) {
      return `Validation command "${trimmed}" contains "${shown}"; list commands one per line instead (they run without a shell).`;
    }
  }
  return null;
}

/** Splits a command line into arguments, honouring simple single and double quotes. */
export function splitCommand(command: string): string[] {
  const args: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let started = false;
  for (const ch of command.trim()) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (quote) throw new Error(`Unclosed ${quote} in "${command}".`);
  if (started) args.push(current);
  return args;
}
