import { cacheHitRate, type UsageTotals } from '@/lib/jobs/event-feed';
import type { JobUsageTotals } from '@/lib/jobs/usage';
import { cn } from '@/lib/cn';
import { describeSaving, formatUsd, type CacheSaving } from '@/lib/analytics/cache-saving';

// The one place that formats usage figures: the job page, the ticket runs panel, the Jobs
// tab and Active Runners all show tokens, cache figures, hit rate, cost and turns this way.

const count = new Intl.NumberFormat('en-US');
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

export function formatTokens(tokens: number): string {
  return count.format(tokens);
}

/** Tokens the model read as plain input and wrote: the "Tokens" figure of the lists (cache figures stand beside it). */
export function totalTokens(usage: Pick<UsageTotals, 'inputTokens' | 'outputTokens'>): number {
  return usage.inputTokens + usage.outputTokens;
}

/** "—" when nothing was read yet (the denominator is zero). */
export function formatHitRate(usage: Pick<UsageTotals, 'inputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'>): string {
  const rate = cacheHitRate(usage);
  return rate == null ? '—' : percent.format(rate);
}

/** Dollars; four decimals under a dollar. A trailing "+" when some usage had no price. */
export function formatCost(usage: Pick<UsageTotals, 'costUsd' | 'costIncomplete'>): string {
  const value = usage.costUsd;
  return `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}${usage.costIncomplete ? '+' : ''}`;
}

export function formatTurns(turns: number): string {
  return count.format(turns);
}

export type Figure = { key: string; label: string; value: string; title?: string };

/** What the cache saved, net of the write premium; the gross figures in its tooltip. */
export function savingFigure(saving: CacheSaving): Figure {
  return { key: 'cache-saving', label: 'Cache saved', value: formatUsd(saving.netUsd), title: describeSaving(saving) };
}

/** The figures of the lists, in order: tokens, cache read, cache write, hit rate, cost, cache saved, turns. */
export function listFigures(usage: JobUsageTotals): Figure[] {
  return [
    { key: 'tokens', label: 'Tokens', value: formatTokens(totalTokens(usage)), title: `${formatTokens(usage.inputTokens)} input · ${formatTokens(usage.outputTokens)} output` },
    { key: 'cache-read', label: 'Cache read', value: formatTokens(usage.cacheReadTokens) },
    { key: 'cache-write', label: 'Cache write', value: formatTokens(usage.cacheWriteTokens) },
    { key: 'cache-hit-rate', label: 'Hit rate', value: formatHitRate(usage) },
    { key: 'cost', label: 'Cost', value: formatCost(usage) },
    savingFigure(usage.saving),
    { key: 'turns', label: 'Turns', value: formatTurns(usage.turns) },
  ];
}

/** Tokens, cache read and write, cache hit rate, cost and cache saving of one usage total (a job's or a stage's), and turns when known. */
export function UsageFigures({ usage, turns, compact = false, testId }: { usage: UsageTotals; turns?: number; compact?: boolean; testId?: string }) {
  const figures: [string, string, string, string?][] = [
    ['input', 'Input', formatTokens(usage.inputTokens)],
    ['output', 'Output', formatTokens(usage.outputTokens)],
    ['cache-read', 'Cache read', formatTokens(usage.cacheReadTokens)],
    ['cache-write', 'Cache write', formatTokens(usage.cacheWriteTokens)],
    ['cache-hit-rate', 'Cache hit rate', formatHitRate(usage)],
    ['cost', 'Cost', formatCost(usage)],
    // Net of the write premium; the gross figures in the tooltip.
    ['cache-saving', 'Cache saved', formatUsd(usage.saving.netUsd), describeSaving(usage.saving)],
  ];
  if (turns !== undefined) figures.push(['turns', 'Turns', formatTurns(turns)]);
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

/** One line of figures for a run in a list (runs panel, Active Runners). */
export function UsageLine({ usage, testId }: { usage: JobUsageTotals; testId?: string }) {
  return (
    <dl className="flex flex-wrap gap-x-4 gap-y-0.5 text-xs" data-testid={testId}>
      {listFigures(usage).map((f) => (
        <div key={f.key} className="flex items-baseline gap-1" title={f.title}>
          <dt className={cn('text-muted-foreground', f.key === 'cache-saving' && 'cursor-help underline decoration-dotted underline-offset-2')}>{f.label}</dt>
          <dd className="font-mono tabular-nums" data-testid={`usage-${f.key}`} aria-description={f.key === 'cache-saving' ? f.title : undefined}>
            {f.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
