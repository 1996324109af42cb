'use client';
import { budgetBar, type BudgetBarState } from '@/lib/jobs/budget-bar';
import { cn } from '@/lib/cn';

const colours: Record<BudgetBarState, string> = { within: 'bg-emerald-500', warning: 'bg-amber-500', reached: 'bg-destructive' };
const words: Record<BudgetBarState, string> = { within: 'Within budget', warning: 'Past the warning threshold', reached: 'Budget reached' };

/** Spent of the job's cost limit, moving live as usage arrives; nothing when the job has no limit. */
export function BudgetBar({ spentUsd, limitUsd, warningThresholdPercent }: { spentUsd: number; limitUsd: number | null; warningThresholdPercent: number }) {
  const bar = budgetBar(spentUsd, limitUsd, warningThresholdPercent);
  if (!bar) return null;
  return (
    <div className="flex items-center gap-3 border-b px-6 py-2 text-xs" data-testid="job-budget-bar" data-state={bar.state}>
      <span className="text-muted-foreground">Budget</span>
      <div
        className="h-2 w-48 overflow-hidden rounded-full bg-muted"
        role="meter"
        aria-label={`Budget: ${bar.text}, ${words[bar.state].toLowerCase()}`}
        aria-valuemin={0}
        aria-valuemax={limitUsd ?? 0}
        aria-valuenow={Math.min(spentUsd, limitUsd ?? 0)}
      >
        <div className={cn('h-full transition-[width]', colours[bar.state])} style={{ width: `${bar.fill * 100}%` }} />
      </div>
      <span className="font-mono tabular-nums" data-testid="job-budget-text">
        {bar.text}
      </span>
      <span className={cn(bar.state === 'within' ? 'text-muted-foreground' : bar.state === 'warning' ? 'text-amber-700 dark:text-amber-400' : 'text-destructive')}>{words[bar.state]}</span>
    </div>
  );
}
