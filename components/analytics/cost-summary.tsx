'use client';
import { useQuery } from '@rocicorp/zero/react';
import { useState } from 'react';
import { Tabs } from '@/components/ui/tabs';
import { modelLabel } from '@/lib/analytics/format';
import { costSummary } from '@/lib/analytics/summary';
import { queries } from '@/zero/queries';
import { CostTable } from './breakdown-tables';

const groupings = [
  { value: 'teamId', label: 'Team' },
  { value: 'projectId', label: 'Project' },
  { value: 'model', label: 'Model' },
] as const;
type Grouping = (typeof groupings)[number]['value'];

/** The organization cost summary, administrators only (the query returns nothing to anyone else). */
export function CostSummary({ orgID, fromDay, period }: { orgID: string; fromDay: string; period: string }) {
  const [by, setBy] = useState<Grouping>('teamId');
  const [rows] = useQuery(queries.analytics.costs({ orgID, fromDay }));
  const [teams] = useQuery(queries.teams.list({ orgID }));
  const [projects] = useQuery(queries.projects({ orgID }));
  const names = new Map<string, string>([...teams.map((t) => [t.id, t.name] as const), ...projects.map((p) => [p.id, p.name] as const)]);
  const labelOf = (key: string) => (by === 'model' ? modelLabel(key) : key === '' ? (by === 'teamId' ? 'No team' : 'No project') : (names.get(key) ?? 'Deleted'));
  return (
    <section className="grid gap-2 border-t pt-5" aria-labelledby="cost-summary-title" data-testid="cost-summary">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="grid gap-1">
          <h3 id="cost-summary-title" className="text-sm font-semibold">
            Organization cost summary
          </h3>
          <p className="text-xs text-muted-foreground">Last {period} days. Only administrators see this.</p>
        </div>
        <Tabs tabs={groupings} value={by} onValueChange={setBy} aria-label="Cost by" idBase="cost-summary" />
      </div>
      {rows.length ? (
        <CostTable title={groupings.find((g) => g.value === by)!.label} lines={costSummary(rows, by)} labelOf={labelOf} />
      ) : (
        <p className="text-sm text-muted-foreground">No cost in this period.</p>
      )}
    </section>
  );
}
