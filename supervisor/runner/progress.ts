// The job's progress summary (issue 14, "A runner that notices"): deterministic, no model
// call. It follows the events the run emits (files the agent wrote, commands it ran, the
// validation results and the usage) and says where the job stands in one readable line,
// every 30 seconds while a stage runs.
import { listPriceUsd } from '@spedy/protocol/models';
import type { JobEventPayload, TypedJobEvent } from '@spedy/protocol/job-events';
import type { JobEvent } from './job-context.ts';
import { jobEvent } from './job-events.ts';

/** How often the summary is sent while a stage runs. */
export const progressIntervalMs = 30_000;
/** Tools whose `file_path` (or `notebook_path`) input is a file the agent touched. */
const writingTools = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);
const filesNamed = 3;

type Figures = Omit<JobEventPayload<'progress'>, 'summary'>;

export class ProgressTracker {
  private readonly files = new Set<string>();
  private commands = 0;
  private validation: Figures['validation'] = 'not_run';
  private failing: string | null = null;
  private inputTokens = 0;
  private outputTokens = 0;
  private costUsd = 0;
  private lastSummary = '';

  observe(event: JobEvent): void {
    const payload = event.payload as Record<string, unknown>;
    if (event.type === 'tool_call') {
      const name = String(payload.name);
      const input = (payload.input ?? {}) as Record<string, unknown>;
      if (writingTools.has(name)) {
        const file = input.file_path ?? input.notebook_path;
        if (typeof file === 'string') this.files.add(file.replace(/^\/workspace\//, ''));
      } else if (name === 'Bash') this.commands++;
    } else if (event.type === 'validation') {
      this.validation = payload.passed ? 'passing' : 'failing';
      this.failing = payload.passed ? null : String(payload.command);
    } else if (event.type === 'usage') {
      const usage = payload as JobEventPayload<'usage'>;
      this.inputTokens += usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
      this.outputTokens += usage.outputTokens;
      this.costUsd += usage.costUsd ?? listPriceUsd(usage) ?? 0;
    }
  }

  /** The summary event, or null when nothing changed since the last one. */
  summaryEvent(): TypedJobEvent<'progress'> | null {
    const figures: Figures = {
      filesTouched: [...this.files],
      commandsRun: this.commands,
      validation: this.validation,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      costUsd: Math.round(this.costUsd * 10_000) / 10_000,
    };
    const summary = summaryOf(figures, this.failing);
    if (summary === this.lastSummary) return null;
    this.lastSummary = summary;
    return jobEvent.progress({ summary, ...figures });
  }
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "2 files touched (hello.js, web.js) · 3 commands run · validation failing (`npm test`) · 12,400 input tokens, 310 output · $0.06 so far" */
export function summaryOf(figures: Figures, failingCommand: string | null): string {
  const files = figures.filesTouched;
  const named = files.length === 0 ? '' : ` (${files.slice(0, filesNamed).join(', ')}${files.length > filesNamed ? `, +${files.length - filesNamed} more` : ''})`;
  const validation =
    figures.validation === 'not_run' ? 'validation not run yet' : figures.validation === 'passing' ? 'validation passing' : `validation failing${failingCommand ? ` (\`${failingCommand}\`)` : ''}`;
  return [
    `${count(files.length, 'file', 'files')} touched${named}`,
    `${count(figures.commandsRun, 'command', 'commands')} run`,
    validation,
    `${figures.inputTokens.toLocaleString('en-US')} input tokens, ${figures.outputTokens.toLocaleString('en-US')} output`,
    `$${figures.costUsd.toFixed(2)} so far`,
  ].join(' · ');
}
