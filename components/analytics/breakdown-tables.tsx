import type { ReactNode } from 'react';
import { describeSaving, formatUsd, type CacheSaving } from '@/lib/analytics/cache-saving';
import { formatCount, formatDuration, formatRate } from '@/lib/analytics/format';
import type { CostLine, ModelFigures, StageFigures } from '@/lib/analytics/summary';

function FigureTable({ caption, columns, children, testId }: { caption: string; columns: string[]; children: ReactNode; testId: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border" data-testid={testId}>
      <table className="w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
          <tr>
            {columns.map((column, i) => (
              <th key={column} scope="col" className={i === 0 ? 'px-3 py-2 font-medium' : 'px-3 py-2 text-right font-medium'}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y">{children}</tbody>
      </table>
    </div>
  );
}

const Cell = ({ children, title }: { children: ReactNode; title?: string }) => (
  <td className="px-3 py-2 text-right font-mono tabular-nums whitespace-nowrap" title={title}>
    {children}
  </td>
);

/** The net saving, with the gross figures in its tooltip. */
export const SavingCell = ({ saving }: { saving: CacheSaving }) => (
  <Cell title={describeSaving(saving)}>
    <span className="cursor-help underline decoration-dotted underline-offset-2" data-testid="saving">
      {formatUsd(saving.netUsd)}
    </span>
  </Cell>
);

export function StageTable({ stages }: { stages: StageFigures[] }) {
  return (
    <FigureTable caption="Per stage" columns={['Stage', 'Runs', 'Average duration', 'Tokens', 'Cost', 'Quality-gate pass rate']} testId="analytics-stages">
      {stages.map((s) => (
        <tr key={s.stage} data-testid="analytics-stage">
          <th scope="row" className="px-3 py-2 text-left font-medium">
            {s.stage}
          </th>
          <Cell>{formatCount(s.runs)}</Cell>
          <Cell>{formatDuration(s.averageDurationMs)}</Cell>
          <Cell>{formatCount(s.tokens)}</Cell>
          <Cell>{formatUsd(s.costUsd)}</Cell>
          <Cell title={s.validations ? `${s.validations} validation run${s.validations === 1 ? '' : 's'}` : 'No validation commands ran'}>{formatRate(s.qualityGatePassRate)}</Cell>
        </tr>
      ))}
    </FigureTable>
  );
}

export function ModelTable({ models, labelOf }: { models: ModelFigures[]; labelOf: (model: string) => string }) {
  return (
    <FigureTable caption="Token use by model" columns={['Model', 'Input', 'Output', 'Cache read', 'Cache write', 'Cache hit rate', 'Cache saved']} testId="analytics-models">
      {models.map((m) => (
        <tr key={m.model} data-testid="analytics-model">
          <th scope="row" className="px-3 py-2 text-left font-medium">
            {labelOf(m.model)}
          </th>
          <Cell>{formatCount(m.inputTokens)}</Cell>
          <Cell>{formatCount(m.outputTokens)}</Cell>
          <Cell>{formatCount(m.cacheReadTokens)}</Cell>
          <Cell>{formatCount(m.cacheWriteTokens)}</Cell>
          <Cell>{formatRate(m.cacheHitRate)}</Cell>
          <SavingCell saving={m.saving} />
        </tr>
      ))}
    </FigureTable>
  );
}

export function CostTable({ title, lines, labelOf }: { title: string; lines: CostLine[]; labelOf: (key: string) => string }) {
  return (
    <FigureTable caption={`Cost by ${title.toLowerCase()}`} columns={[title, 'Tokens', 'Cost', 'Cache saved']} testId="cost-summary-table">
      {lines.map((line) => (
        <tr key={line.key} data-testid="cost-line">
          <th scope="row" className="px-3 py-2 text-left font-medium">
            {labelOf(line.key)}
          </th>
          <Cell>{formatCount(line.tokens)}</Cell>
          <Cell title={line.costIncomplete ? 'Some usage was of a model not on the price list' : undefined}>
            {formatUsd(line.costUsd)}
            {line.costIncomplete ? '+' : ''}
          </Cell>
          <SavingCell saving={line.saving} />
        </tr>
      ))}
    </FigureTable>
  );
}
