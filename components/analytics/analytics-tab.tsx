'use client';
import { useQuery } from '@rocicorp/zero/react';
import { ChartColumn } from 'lucide-react';
import { useState } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { EmptyState } from '@/components/ui/empty-state';
import { Skeleton } from '@/components/ui/skeleton';
import { Tabs } from '@/components/ui/tabs';
import { can } from '@/lib/auth/permissions';
import { describeSaving, formatUsd } from '@/lib/analytics/cache-saving';
import { defaultTimeZone, lastDays } from '@/lib/analytics/days';
import { defaultEventRetentionDays } from '@/lib/jobs/retention-setting';
import { formatCount, formatDuration, formatRate, modelLabel } from '@/lib/analytics/format';
import { byModel, byStage, dailyTrend, overview, periods, type Period } from '@/lib/analytics/summary';
import { queries } from '@/zero/queries';
import { StageTable, ModelTable } from './breakdown-tables';
import { CostSummary } from './cost-summary';
import { EventRetentionSetting } from './event-retention-setting';
import { TimeZoneSetting } from './time-zone-setting';
import { TrendCharts } from './trend-charts';

const periodTabs = periods.map((days) => ({ value: String(days) as `${Period}`, label: `${days} days` }));

/**
 * Settings → Runners → Analytics: the organization's jobs, stages, models and cost over the
 * last 7, 30 or 90 days, read live from the daily roll-ups (lib/analytics/rollups.ts).
 */
export function AnalyticsTab() {
  const org = useCurrentOrg();
  const [period, setPeriod] = useState<`${Period}`>('7');
  const [settings, settingsState] = useQuery(queries.analytics.settings({ orgID: org.id }));
  const timeZone = settings?.timeZone ?? defaultTimeZone;
  // The window moves on at the organization's midnight, on the next render after it.
  const dayWindow = lastDays(Date.now(), timeZone, Number(period));
  const fromDay = dayWindow[0];
  const [days, daysState] = useQuery(queries.analytics.days({ orgID: org.id, fromDay }));
  const [modelRows] = useQuery(queries.analytics.models({ orgID: org.id, fromDay }));
  const [stageRows] = useQuery(queries.analytics.stages({ orgID: org.id, fromDay }));
  const loading = daysState.type !== 'complete' && days.length === 0;

  const totals = overview(days);
  const empty = totals.jobs === 0 && totals.tokens === 0;

  return (
    <section className="grid gap-5" aria-labelledby="analytics-title">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="grid gap-1">
          <h2 id="analytics-title" className="font-semibold">
            Analytics
          </h2>
          <p className="text-sm text-muted-foreground">How {org.name}&apos;s runner jobs went, what they used and what the prompt cache saved.</p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          {settingsState.type === 'complete' || settings ? (
            <>
              <TimeZoneSetting orgID={org.id} timeZone={timeZone} canChange={can(org.role, 'organization:manage')} />
              <EventRetentionSetting orgID={org.id} days={settings?.eventRetentionDays ?? defaultEventRetentionDays} canChange={can(org.role, 'organization:manage')} />
            </>
          ) : null}
          <Tabs tabs={periodTabs} value={period} onValueChange={setPeriod} aria-label="Period" idBase="analytics-period" />
        </div>
      </div>

      {loading ? (
        <div className="grid gap-3" aria-busy="true" aria-label="Loading analytics">
          <Skeleton className="h-20" />
          <Skeleton className="h-48" />
        </div>
      ) : empty ? (
        <EmptyState
          icon={ChartColumn}
          title={`No runner activity in the last ${period} days`}
          description="Figures appear here as runners report usage and jobs finish; they update live."
          data-testid="analytics-empty"
        />
      ) : (
        <>
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="analytics-overview">
            <Figure label="Jobs finished" value={formatCount(totals.jobs)} testId="analytics-jobs" />
            <Figure label="Success rate" value={formatRate(totals.successRate)} testId="analytics-success-rate" />
            <Figure label="Cost" value={`${formatUsd(totals.costUsd)}${totals.costIncomplete ? '+' : ''}`} testId="analytics-cost" />
            <Figure label="Tokens" value={formatCount(totals.tokens)} testId="analytics-tokens" detail={`Cache hit rate ${formatRate(totals.cacheHitRate)}`} />
            <Figure label="Average duration" value={formatDuration(totals.averageDurationMs)} testId="analytics-duration" />
            <Figure label="Cache saved" value={formatUsd(totals.saving.netUsd)} testId="analytics-saving" title={describeSaving(totals.saving)} />
          </dl>
          <TrendCharts points={dailyTrend(dayWindow, days)} />
          <div className="grid gap-2">
            <h3 className="text-sm font-semibold">Per stage</h3>
            {stageRows.length ? <StageTable stages={byStage(stageRows)} /> : <p className="text-sm text-muted-foreground">No stage finished in this period.</p>}
          </div>
          <div className="grid gap-2">
            <h3 className="text-sm font-semibold">Token use by model</h3>
            {modelRows.length ? <ModelTable models={byModel(modelRows)} labelOf={modelLabel} /> : <p className="text-sm text-muted-foreground">No usage in this period.</p>}
          </div>
        </>
      )}
      {can(org.role, 'costs:view') && <CostSummary orgID={org.id} fromDay={fromDay} period={period} />}
    </section>
  );
}

function Figure({ label, value, testId, detail, title }: { label: string; value: string; testId: string; detail?: string; title?: string }) {
  return (
    <div className="grid gap-0.5 rounded-lg border p-3" title={title}>
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="font-mono text-lg tabular-nums" data-testid={testId}>
        {value}
      </dd>
      {detail && <dd className="text-xs text-muted-foreground">{detail}</dd>}
    </div>
  );
}
