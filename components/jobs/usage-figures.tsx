import { cacheHitRate, type UsageTotals } from '@/lib/jobs/event-feed';
import { cn } from '@/lib/cn';

const tokens = new Intl.NumberFormat('en-US');
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const usd = (value: number) => `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;

/** Tokens, cache read and write, cache hit rate and cost of one usage total (a job's or a stage's). */
export function UsageFigures({ usage, compact = false, testId }: { usage: UsageTotals; compact?: boolean; testId?: string }) {
  const rate = cacheHitRate(usage);
  const figures: [string, string, string][] = [
    ['input', 'Input', tokens.format(usage.inputTokens)],
    ['output', 'Output', tokens.format(usage.outputTokens)],
    ['cache-read', 'Cache read', tokens.format(usage.cacheReadTokens)],
    ['cache-write', 'Cache write', tokens.format(usage.cacheWriteTokens)],
    ['cache-hit-rate', 'Cache hit rate', rate == null ? '—' : percent.format(rate)],
    ['cost', 'Cost', `${usd(usage.costUsd)}${usage.costIncomplete ? '+' : ''}`],
  ];
  return (
    <dl className={cn('grid gap-x-3 gap-y-1', compact ? 'grid-cols-3 text-xs' : 'grid-cols-2 text-sm')} data-testid={testId}>
      {figures.map(([key, label, value]) => (
        <div key={key} className="flex min-w-0 flex-col">
          <dt className="text-xs text-muted-foreground">{label}</dt>
          <dd className="font-mono tabular-nums" data-testid={`usage-${key}`}>
            {value}
          </dd>
        </div>
      ))}
      {usage.partial && <p className="col-span-full text-xs text-muted-foreground">Partly counted from messages: a run was stopped before its final count.</p>}
    </dl>
  );
}
