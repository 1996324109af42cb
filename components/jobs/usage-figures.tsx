import { cacheHitRate, type UsageTotals } from '@/lib/jobs/event-feed';
import { cn } from '@/lib/cn';
import { describeSaving, formatUsd } from '@/lib/analytics/cache-saving';

const tokens = new Intl.NumberFormat('en-US');
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** Tokens, cache read and write, cache hit rate, cost and cache saving of one usage total (a job's or a stage's). */
export function UsageFigures({ usage, compact = false, testId }: { usage: UsageTotals; compact?: boolean; testId?: string }) {
  const rate = cacheHitRate(usage);
  const figures: [string, string, string, string?][] = [
    ['input', 'Input', tokens.format(usage.inputTokens)],
    ['output', 'Output', tokens.format(usage.outputTokens)],
    ['cache-read', 'Cache read', tokens.format(usage.cacheReadTokens)],
    ['cache-write', 'Cache write', tokens.format(usage.cacheWriteTokens)],
    ['cache-hit-rate', 'Cache hit rate', rate == null ? '—' : percent.format(rate)],
    ['cost', 'Cost', `${formatUsd(usage.costUsd)}${usage.costIncomplete ? '+' : ''}`],
    // Net of the write premium; the gross figures in the tooltip.
    ['cache-saving', 'Cache saved', formatUsd(usage.saving.netUsd), describeSaving(usage.saving)],
  ];
  return (
    <dl className={cn('grid gap-x-3 gap-y-1', compact ? 'grid-cols-3 text-xs' : 'grid-cols-2 text-sm')} data-testid={testId}>
      {figures.map(([key, label, value, detail]) => (
        <div key={key} className="flex min-w-0 flex-col" title={detail}>
          <dt className={cn('text-xs text-muted-foreground', detail && 'cursor-help underline decoration-dotted underline-offset-2')}>{label}</dt>
          <dd className="font-mono tabular-nums" data-testid={`usage-${key}`} aria-description={detail}>
            {value}
          </dd>
        </div>
      ))}
      {usage.partial && <p className="col-span-full text-xs text-muted-foreground">Partly counted from messages: a run was stopped before its final count.</p>}
    </dl>
  );
}
