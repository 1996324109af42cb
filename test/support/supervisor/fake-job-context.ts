// For tests of runJob: a JobContext kept in memory that records what the run reports and
// lets the test send control messages, with the job lifecycle's behaviour (Stop aborts the
// signal with `stopped_by_user`, Continue hands out a fresh one; events, reasons and results
// are masked by the job's secret set, with the functions the streamer and the lifecycle use).
import { claimedJob, type ClaimedJob, type EpicRunPart, type JobSnapshot, type StageSnapshot } from '@spedy/protocol/wire';
import type { JobStatus } from '@spedy/protocol/job-status';
import type { JobCheckpoint } from '@spedy/protocol/checkpoint';
import { CancelReason } from '../../../supervisor/container/cancel-reason.ts';
import type { ControlMessage, JobContext, JobEvent } from '../../../supervisor/runner/job-context.ts';
import { JobSecrets, type StatusDetails } from '../../../supervisor/runner/job-secrets.ts';
import { prepareEvent } from '../../../supervisor/streamer/event-payload.ts';

export interface ReportedStatus {
  status: JobStatus;
  reason?: string;
  result?: Record<string, unknown>;
  at: number;
}

export class FakeJobContext implements JobContext {
  readonly statuses: ReportedStatus[] = [];
  readonly events: (JobEvent & { at: number })[] = [];
  private controller = new AbortController();
  private readonly inbox: ControlMessage[] = [];
  private readonly readers: ((message: ControlMessage) => void)[] = [];
  private readonly watchers = new Set<() => void>();
  /** The reason of a cancel control, as the lifecycle keeps it for finalOutcome. */
  cancelled: string | null = null;

  readonly secretSet: JobSecrets;

  constructor(
    readonly job: ClaimedJob,
    readonly jobDir: string,
    readonly secrets: Record<string, string> = {},
  ) {
    this.secretSet = new JobSecrets({ values: Object.entries(secrets).map(([name, value]) => ({ name, value })) });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get status(): JobStatus {
    return this.statuses.at(-1)?.status ?? this.job.status;
  }

  async reportStatus(status: JobStatus, details?: StatusDetails): Promise<void> {
    const { reason, result } = this.secretSet.maskStatusDetails(details);
    this.statuses.push({ status, ...(reason === undefined ? {} : { reason }), ...(result === undefined ? {} : { result }), at: performance.now() });
    this.notify();
  }

  /** The checkpoints the run saved, in order (what the platform would store). */
  readonly checkpoints: JobCheckpoint[] = [];

  async saveCheckpoint(checkpoint: JobCheckpoint): Promise<void> {
    this.checkpoints.push(structuredClone(checkpoint));
  }

  emit(event: JobEvent): void {
    const { type, payload } = prepareEvent(event, this.secretSet.mask);
    this.events.push({ type, payload, at: performance.now() });
    this.notify();
  }

  nextControl(): Promise<ControlMessage> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.readers.push(resolve));
  }

  /** What the browser's buttons do through the platform and the pool. */
  control(message: ControlMessage): void {
    if (message.action === 'stop') this.controller.abort(CancelReason.StoppedByUser);
    if (message.action === 'cancel') {
      this.cancelled ??= message.reason;
      this.controller.abort(CancelReason.CancelledByUser);
    }
    if (message.action === 'continue' && this.controller.signal.aborted) this.controller = new AbortController();
    const reader = this.readers.shift();
    if (reader) reader(message);
    else this.inbox.push(message);
  }

  statusList(): JobStatus[] {
    return this.statuses.map((entry) => entry.status);
  }

  eventsOf(type: string): Record<string, unknown>[] {
    return this.events.filter((event) => event.type === type).map((event) => event.payload);
  }

  /** Resolves when `check` holds (checked on every status and event), or fails after `timeoutMs`. */
  until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers.delete(watch);
        reject(new Error(`Timed out waiting for ${what}; statuses: ${this.statusList().join(' → ')}`));
      }, timeoutMs);
      const watch = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.watchers.delete(watch);
        resolve();
      };
      this.watchers.add(watch);
    });
  }

  untilStatus(status: JobStatus, timeoutMs?: number): Promise<void> {
    return this.until(`status ${status}`, () => this.statuses.some((entry) => entry.status === status), timeoutMs);
  }

  private notify(): void {
    for (const watch of [...this.watchers]) watch();
  }
}

export function stageSnapshot(stage: Partial<StageSnapshot> & Pick<StageSnapshot, 'id' | 'name'>): StageSnapshot {
  return {
    type: 'coding',
    systemPrompt: '',
    allowedTools: ['Read', 'Edit', 'Write', 'Bash', 'Grep', 'Glob'],
    model: 'claude-sonnet-4-6',
    role: 'executor',
    requireApproval: false,
    validationCommands: [],
    maxRetries: 0,
    skills: [],
    mcpServers: [],
    ...stage,
  };
}

/** A claimed job as the platform sends it, checked against the wire schema. */
export function claimedTestJob(input: {
  id: string;
  type?: ClaimedJob['type'];
  steps: StageSnapshot[][];
  repositories: JobSnapshot['repositories'];
  ticket?: { displayId: string; title: string; description: string };
  trigger?: JobSnapshot['trigger'];
  allowedHosts?: string[];
  budget?: Partial<JobSnapshot['budget']>;
  /** The job's last checkpoint, as a claim carries it (a hand-back, or Retry from a stage). */
  checkpoint?: JobCheckpoint | null;
  /** The job's part in an epic run. */
  epic?: EpicRunPart;
}): ClaimedJob {
  const ticket = input.ticket ?? { displayId: 'SPD-42', title: 'Add a greeting script', description: 'Print a friendly greeting from hello.js.' };
  return claimedJob.parse({
    id: input.id,
    organizationId: 'org_test',
    type: input.type ?? 'streaming',
    title: `${ticket.displayId}: ${ticket.title}`,
    status: 'claimed',
    lastEventSeq: 0,
    checkpoint: input.checkpoint ?? null,
    snapshot: {
      trigger: input.trigger ?? { kind: 'status' },
      ticket: { id: `ticket_${input.id}`, type: 'task', ...ticket },
      team: { id: 'team_1', name: 'Code Runner', workingStatus: 'AI Processing', completionStatus: 'Review', failureStatus: 'AI Failed' },
      instructions: '',
      pipeline: { steps: input.steps.map((stages) => ({ stages })) },
      budget: { maxCostUsd: null, maxTurns: 30, warningThresholdPercent: 80, maxInputTokens: null, maxOutputTokens: null, ...input.budget },
      repositories: input.repositories,
      allowedHosts: input.allowedHosts ?? [],
      ...(input.epic ? { epic: input.epic } : {}),
    },
  });
}
