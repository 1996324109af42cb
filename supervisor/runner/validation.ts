// A stage's validation commands, after its agent finished: each one in its own container
// on the stage's workspace, as an argument list without a shell (one command per line,
// shell syntax refused: protocol/src/validation-commands.ts). The first one that fails ends
// the round, and its output goes back to the agent.
import { toError } from '@spedy/protocol/errors';
import { splitCommand, validationCommandProblem } from '@spedy/protocol/validation-commands';
import { cancelReasonOf } from '../agent/run-agent.ts';
import { CancelReason } from '../container/cancel-reason.ts';
import { startContainer } from '../container/stage-container.ts';
import { InfrastructureFailure, JobStopped, WorkFailure } from './failures.ts';
import { jobEvent } from './job-events.ts';
import type { JobRun, StageState } from './job-run.ts';
import { validationContainerSpec, type StagePlace } from './stage-containers.ts';

/** A command that runs longer is ended and counts as failed. */
export const validationTimeoutMs = 15 * 60_000;
/** How much of a failing command's output goes back to the agent and into the reason. */
const tailLines = 40;
const tailChars = 1_500;

export interface ValidationFailure {
  command: string;
  exitCode: number;
  /** The end of its output (stdout and stderr as they came), masked. */
  output: string;
}

/** The end of a command's output, as the agent and a failure's reason get it. */
export function tailOf(lines: string[]): string {
  const text = lines.slice(-tailLines).join('\n');
  return text.length <= tailChars ? text : `…${text.slice(-tailChars)}`;
}

/** Runs the stage's validation commands; null when all passed. */
export async function runValidation(
  run: JobRun,
  state: StageState,
  place: StagePlace,
  options: { signal: AbortSignal; env: Record<string, string>; attempt: number },
): Promise<ValidationFailure | null> {
  for (const command of state.stage.validationCommands) {
    const problem = validationCommandProblem(command);
    if (problem) throw new WorkFailure(problem);
    let argv: string[];
    try {
      argv = splitCommand(command);
    } catch (error) {
      throw new WorkFailure(`Validation command "${command}" cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (options.signal.aborted) throw new JobStopped(options.signal.reason);

    const container = await startContainer(run.deps.docker, validationContainerSpec(run, state, place, argv, options.env)).catch((error: unknown) => {
      throw new InfrastructureFailure(`Docker could not start the validation command "${command}": ${toError(error).message}`);
    });
    const stop = () => void container.interrupt(cancelReasonOf(options.signal.reason), 5_000).catch(() => undefined);
    options.signal.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(() => void container.interrupt(CancelReason.Timeout, 5_000).catch(() => undefined), validationTimeoutMs);
    const output: string[] = [];
    try {
      const collect = async (lines: AsyncIterable<string>) => {
        for await (const line of lines) {
          output.push(line);
          if (output.length > tailLines * 4) output.splice(0, output.length - tailLines);
        }
      };
      await Promise.all([collect(container.stdout), collect(container.stderr)]);
      const exit = await container.done;
      if (exit.cancelReason && exit.cancelReason !== CancelReason.Timeout) throw new JobStopped(options.signal.reason);
      if (exit.cancelReason === CancelReason.Timeout) output.push(`(stopped after ${validationTimeoutMs / 60_000} minutes)`);
      const passed = exit.exitCode === 0 && !exit.cancelReason;
      // Masked whole before the tail is cut: a value wrapped over two lines is still recognised.
      const tail = tailOf(run.mask(output.join('\n')).split('\n'));
      run.emit(jobEvent.validation(state.stage.id, { command, passed, exitCode: exit.exitCode, output: tail, attempt: options.attempt }));
      if (!passed) return { command, exitCode: exit.exitCode, output: tail };
    } finally {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', stop);
      await container.remove();
    }
  }
  return null;
}
