// How a run of the CLI ended. Judged from `is_error`, the exit code and `terminal_reason`,
// never from the result's `subtype` (2.1.197 reports an API failure as subtype "success"
// with is_error true and terminal_reason "completed"). A container the supervisor stopped
// writes no result: the cancel reason says what happened.
import type { CancelReason } from '../container/cancel-reason.ts';
import type { StageExit } from '../container/stage-container.ts';
import type { ResultLine } from './stream-json.ts';

export type AgentOutcome =
  | { kind: 'completed'; sessionId: string | undefined; text: string; questions: string[] }
  | {
      kind: 'failed';
      sessionId: string | undefined;
      reason: string;
      /** The model API failed (an infrastructure fault: the job ends in Error, not Failed). */
      apiFailure: boolean;
    }
  | { kind: 'stopped'; sessionId: string | undefined; cancelReason: CancelReason };

const terminalReasons: Record<string, string> = {
  max_turns: 'reached its limit of turns',
  max_budget: 'reached its budget',
  aborted: 'was aborted',
};

export function judgeOutcome(
  run: { result: ResultLine | undefined; sessionId: string | undefined; questions: string[] },
  exit: StageExit,
  diagnostics: string,
): AgentOutcome {
  const { result, sessionId } = run;
  if (exit.cancelReason) return { kind: 'stopped', sessionId, cancelReason: exit.cancelReason };
  const tail = diagnostics.trim() ? `: ${diagnostics.trim()}` : '';
  if (!result) {
    return { kind: 'failed', sessionId, apiFailure: false, reason: `Claude Code ended (exit code ${exit.exitCode}) without a result${tail}` };
  }
  const terminal = result.terminal_reason ?? 'completed';
  if (!result.is_error && exit.exitCode === 0 && terminal === 'completed') {
    return { kind: 'completed', sessionId, text: result.result ?? '', questions: run.questions };
  }
  const said = result.errors?.filter(Boolean).join('; ') || result.result || '';
  if (result.api_error_status) {
    return { kind: 'failed', sessionId, apiFailure: true, reason: `The model API failed (HTTP ${result.api_error_status})${said ? `: ${said}` : ''}` };
  }
  const how = terminalReasons[terminal] ?? (terminal === 'completed' ? 'failed' : `ended with ${terminal}`);
  const code = exit.exitCode === 0 ? '' : ` (exit code ${exit.exitCode})`;
  return { kind: 'failed', sessionId, apiFailure: false, reason: `Claude Code ${how}${code}${said ? `: ${said}` : tail}` };
}
