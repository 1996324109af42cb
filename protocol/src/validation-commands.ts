// Validation commands (a stage's checks) and setup commands (a repository's layer,
// supervisor/runner/setup-layer.ts) run one per line as an argument list, without a shell,
// so shell syntax is refused outright rather than half-working.
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

export type CommandKind = 'Validation' | 'Setup';

/** The reason a command line is refused, or null when it may run. */
export function commandLineProblem(command: string, kind: CommandKind): string | null {
  const trimmed = command.trim();
  if (!trimmed) return `${kind} commands cannot be empty.`;
  if (trimmed.length > 500) return `${kind} commands are at most 500 characters.`;
  for (const { pattern, shown } of dangerousPatterns) {
    if (pattern.test(trimmed)) {
      return `${kind} command "${trimmed}" contains "${shown}"; list commands one per line instead (they run without a shell).`;
    }
  }
  return null;
}

/** The reason a validation command is refused, or null when it may run. */
export function validationCommandProblem(command: string): string | null {
  return commandLineProblem(command, 'Validation');
}

/** The reason a setup command is refused (an unclosed quote too: it is checked when saved, not when a job runs), or null. */
export function setupCommandProblem(command: string): string | null {
  const problem = commandLineProblem(command, 'Setup');
  if (problem) return problem;
  try {
    splitCommand(command);
    return null;
  } catch (error) {
    return `Setup command "${command.trim()}" cannot be read: ${error instanceof Error ? error.message : String(error)}`;
  }
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
