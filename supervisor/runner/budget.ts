// The job's budget, job-wide (issue 14): one meter per job sums the metered usage of every
// stage, retry and resumed session (each `usage` event the run emits: with the model proxy,
// one per model response, priced with the one price list) and holds it against the job's
// limits. Past the warning threshold it says so once; at a cap the response in flight has
// finished, the proxy refuses the next model request (admit), `signal` stops the stages like
// Stop does, and the job waits in Waiting for Input until a person raises the budget (the
// same sessions resume) or ends the job (Failed with the same reason, lib/jobs/cancel.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  budgetFigureText,
  budgetLimit,
  budgetReachedReason,
  reachedFigure,
  warningFigure,
  type BudgetFigure,
  type BudgetLimits,
  type BudgetUsage,
} from '@spedy/protocol/budget';
import { readJobEvent } from '@spedy/protocol/job-events';
import { listPriceUsd } from '@spedy/protocol/models';
import type { ModelRefusal } from '../model-proxy/model-proxy.ts';
import type { JobEvent } from './job-context.ts';
import { jobEvent } from './job-events.ts';
import { eventLogName } from './job-folder.ts';
import type { JobRun } from './job-run.ts';

/** The abort reason of a budget cap reached; its message is the Waiting for Input reason. */
export class BudgetReached {
  constructor(
    readonly figure: BudgetFigure,
    readonly message: string,
  ) {}
}

const noUsage: BudgetUsage = { costUsd: 0, inputTokens: 0, outputTokens: 0, turns: 0 };

/** One `usage` event's share of the budget (null for any other event). */
export function usageOf(event: { type: string; payload: unknown }): BudgetUsage | null {
  if (event.type !== 'usage') return null;
  const usage = readJobEvent('usage', event.payload);
  if (!usage) return null;
  return {
    costUsd: usage.costUsd ?? listPriceUsd(usage) ?? 0,
    inputTokens: usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens,
    outputTokens: usage.outputTokens,
    turns: 1,
  };
}

export function addUsage(a: BudgetUsage, b: BudgetUsage): BudgetUsage {
  return { costUsd: a.costUsd + b.costUsd, inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens, turns: a.turns + b.turns };
}

/**
 * What the job used before this supervisor process took it (a restart): the usage events of
 * its event log in the job folder, so a restart does not reset the budget.
 */
export async function recordedUsage(jobDir: string): Promise<BudgetUsage> {
  const text = await fs.readFile(path.join(jobDir, eventLogName), 'utf8').catch(() => '');
  let total = noUsage;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const usage = usageOf(JSON.parse(line) as { type: string; payload: unknown });
      if (usage) total = addUsage(total, usage);
    } catch {
      // A line cut short by a crash: nothing to count.
    }
  }
  return total;
}

export class BudgetMeter {
  private total: BudgetUsage = noUsage;
  private controller = new AbortController();
  private warned = false;

  constructor(
    /** Read at every check: a person may raise the budget while the job waits. */
    private readonly limits: () => BudgetLimits,
    private readonly emit: (event: JobEvent) => void,
  ) {}

  /** Aborted with a BudgetReached when a figure reaches its cap; a fresh one after a raise. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get used(): BudgetUsage {
    return this.total;
  }

  /** Usage recorded before this run (a restarted supervisor); warns and stops like any other. */
  seed(usage: BudgetUsage): void {
    this.total = addUsage(this.total, usage);
    this.check();
  }

  /** Follows the run's events: each `usage` event counts (one model response, one turn). */
  observe(event: JobEvent): void {
    const usage = usageOf(event);
    if (!usage) return;
    this.total = addUsage(this.total, usage);
    this.check();
  }

  /** The model proxy's per-request hook: at a cap the next model request is refused. */
  admit(): ModelRefusal | null {
    const reached = this.reached();
    if (!reached) return null;
    return { status: 429, type: 'rate_limit_error', message: `${reached.message}. The job waits for a person to raise its budget or end it.` };
  }

  /** The cap the usage is at or over, if any, with the limits as they are now. */
  reached(): BudgetReached | null {
    const limits = this.limits();
    const figure = reachedFigure(this.total, limits);
    return figure && new BudgetReached(figure, budgetReachedReason(figure, this.total[figure], budgetLimit(limits, figure)!));
  }

  /** The `budget` event for the job page, with the figures and limits now. */
  event(state: 'warning' | 'reached' | 'raised', message: string, figure: BudgetFigure | null) {
    const { maxCostUsd, maxInputTokens, maxOutputTokens, maxTurns } = this.limits();
    const usage = { ...this.total, costUsd: Math.round(this.total.costUsd * 10_000) / 10_000 };
    return jobEvent.budget({ state, message, figure, usage, limits: { maxCostUsd, maxInputTokens, maxOutputTokens, maxTurns } });
  }

  /**
   * After a person raised the budget: when every figure is under its cap again the stages may
   * go on (a fresh signal, and a warning again past the new threshold); else the cap still reached.
   */
  raised(): BudgetReached | null {
    const still = this.reached();
    if (still) return still;
    this.controller = new AbortController();
    this.warned = warningFigure(this.total, this.limits()) !== null;
    const limits = this.limits();
    const figures = (['costUsd', 'inputTokens', 'outputTokens', 'turns'] as const)
      .map((figure) => {
        const limit = budgetLimit(limits, figure);
        return limit === null ? null : budgetFigureText(figure, this.total[figure], limit);
      })
      .filter((text) => text !== null);
    this.emit(this.event('raised', `Budget raised${figures.length ? `: ${figures.join(', ')}` : ' (no limits)'}. The job continues.`, null));
    return null;
  }

  private check(): void {
    const limits = this.limits();
    if (!this.warned) {
      const figure = warningFigure(this.total, limits);
      if (figure) {
        this.warned = true;
        const text = budgetFigureText(figure, this.total[figure], budgetLimit(limits, figure)!);
        this.emit(this.event('warning', `Budget warning: ${text} used (the warning threshold is ${limits.warningThresholdPercent}%).`, figure));
      }
    }
    const reached = this.controller.signal.aborted ? null : this.reached();
    if (reached) this.controller.abort(reached);
  }
}

/**
 * At a cap: Waiting for Input ("Budget reached: $4.02 of $4.00") until a person raises the
 * budget (the new limits came with the claim, job-lifecycle.ts; the stages then resume their
 * sessions) or ends the job (a cancel: JobStopped). Raised too little, it waits again.
 */
export async function waitForRaise(run: Pick<JobRun, 'budget' | 'controls' | 'status' | 'emit'>, reached: BudgetReached): Promise<void> {
  for (let cap = reached; ; ) {
    const reply = run.controls.expect(['continue']);
    reply.catch(() => undefined);
    run.emit(run.budget.event('reached', `${cap.message}. Raise the budget and continue, or end the job.`, cap.figure));
    await run.status.whileWaitingForInput(() => reply, cap.message);
    const still = run.budget.raised();
    if (!still) return;
    cap = still;
  }
}
