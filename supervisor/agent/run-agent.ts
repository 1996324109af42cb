// One run of the Claude Code CLI in a fresh container: stream its stdout into job events
// as the lines come, stop it when asked (interrupt, then kill after the grace period),
// and judge how it ended. The container is removed before this returns.
import type Docker from 'dockerode';
import { CANCEL_REASONS, CancelReason } from '../container/cancel-reason.ts';
import { startContainer, type StageContainerSpec } from '../container/stage-container.ts';
import type { JobEvent } from '../runner/job-context.ts';
import { judgeOutcome, type AgentOutcome } from './outcome.ts';
import { AgentTranscript } from './transcript.ts';

/** Stop must end a stage within seconds: SIGTERM, then SIGKILL after this long. */
export const stopGraceMs = 5_000;
const diagnosticLines = 12;

export interface RunAgentOptions {
  docker: Docker;
  container: StageContainerSpec;
  /** The stage id, carried by every event. */
  stage: string;
  /** Whether this run continues an earlier session (--resume). */
  resumed: boolean;
  /** The CLI's own count is the usage (no model proxy metering this run); default true. */
  usageFromTranscript?: boolean;
  /** Aborting it stops the container; its reason (a CancelReason) is recorded. */
  signal: AbortSignal;
  onEvent(event: JobEvent): void;
  /** The first line the CLI wrote: the agent is running. */
  onStarted(): void;
  /** The session id as soon as the CLI names it, so a Stop right after can still resume it. */
  onSession(sessionId: string): void;
}

export function cancelReasonOf(reason: unknown): CancelReason {
  return CANCEL_REASONS.find((known) => known === reason) ?? CancelReason.SupervisorShutdown;
}

export async function runAgent(options: RunAgentOptions): Promise<AgentOutcome> {
  const { signal } = options;
  const transcript = new AgentTranscript(options.stage, options.resumed, options.usageFromTranscript ?? true);
  const container = await startContainer(options.docker, options.container);
  const stop = () => {
    container.interrupt(cancelReasonOf(signal.reason), stopGraceMs).catch(() => container.terminate(cancelReasonOf(signal.reason)).catch(() => undefined));
  };
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  try {
    const stderr: string[] = [];
    const readingStderr = (async () => {
      for await (const line of container.stderr) {
        stderr.push(line);
        if (stderr.length > diagnosticLines) stderr.shift();
      }
    })();
    let started = false;
    let session: string | undefined;
    for await (const line of container.stdout) {
      if (!started) {
        started = true;
        options.onStarted();
      }
      for (const event of transcript.read(line)) options.onEvent(event);
      if (transcript.sessionId && transcript.sessionId !== session) {
        session = transcript.sessionId;
        options.onSession(session);
      }
    }
    await readingStderr;
    const exit = await container.done;
    if (!transcript.result) for (const event of transcript.usageEvents()) options.onEvent(event);
    const diagnostics = [...transcript.strayOutput, ...stderr].slice(-diagnosticLines).join('\n');
    return judgeOutcome(transcript, exit, diagnostics);
  } finally {
    signal.removeEventListener('abort', stop);
    await container.remove();
  }
}
