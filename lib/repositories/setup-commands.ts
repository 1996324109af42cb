// A repository's setup commands (Build & Validate), like GitHub's copilot-setup-steps: what
// its layer on top of the runner image installs (supervisor/runner/setup-layer.ts). One
// command line each, run as root as an argument list without a shell (the parser of
// validation commands, protocol/src/validation-commands.ts). The form checks them as the
// person types with the same rules the mutator enforces. Pure.
import { z } from 'zod';
import { setupCommandProblem } from '@spedy/protocol/validation-commands';

export const maxSetupCommands = 20;

export const setupCommandList = z
  .array(z.string())
  .max(maxSetupCommands, `A repository has at most ${maxSetupCommands} setup commands.`)
  .transform((commands) => commands.map((command) => command.trim()))
  .superRefine((commands, ctx) => {
    for (const [index, command] of commands.entries()) {
      const problem = setupCommandProblem(command);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [index] });
    }
  });

/** The form's text, one command per line (blank lines dropped), checked line by line. */
export function parseSetupCommandLines(text: string): { commands: string[]; problems: { line: number; problem: string }[] } {
  const lines = text.split('\n').map((line, index) => ({ line: index + 1, command: line.trim() }));
  const given = lines.filter((entry) => entry.command !== '');
  const problems = given.flatMap(({ line, command }) => {
    const problem = setupCommandProblem(command);
    return problem ? [{ line, problem }] : [];
  });
  if (given.length > maxSetupCommands) problems.push({ line: given[maxSetupCommands]!.line, problem: `A repository has at most ${maxSetupCommands} setup commands.` });
  return { commands: given.map((entry) => entry.command), problems };
}
