'use client';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatUsd } from '@/lib/analytics/cache-saving';
import { formatCompact, formatCount } from '@/lib/analytics/format';
import type { DayPoint } from '@/lib/analytics/summary';

// Recharts draws with the app's theme colours (app/globals.css), so dark mode follows.
const axis = { stroke: 'var(--muted-foreground)', fontSize: 11, tickLine: false, axisLine: false } as const;
const tooltipStyle = {
  contentStyle: { background: 'var(--popover)', border: '1px solid var(--border)', borderRadius: 8, fontSize: 12, color: 'var(--popover-foreground)' },
  labelStyle: { color: 'var(--muted-foreground)' },
  cursor: { fill: 'var(--muted)' },
} as const;
const shortDay = (day: string) => day.slice(5);

function ChartCard({ title, testId, children, points, value }: { title: string; testId: string; children: React.ReactElement; points: DayPoint[]; value: (p: DayPoint) => string }) {
  return (
    <figure className="grid gap-2 rounded-lg border p-3" data-testid={testId}>
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <div className="h-44" aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
      {/* The chart's figures for screen readers (and for anyone who wants the numbers). */}
      <table className="sr-only">
        <caption>{title} per day</caption>
        <tbody>
          {points.map((p) => (
            <tr key={p.day} data-testid="trend-day" data-day={p.day}>
              <th scope="row">{p.day}</th>
              <td>{value(p)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Daily trends of the window: jobs by outcome, cost and tokens. */
export function TrendCharts({ points }: { points: DayPoint[] }) {
  return (
    <div className="grid gap-3 md:grid-cols-3">
      <ChartCard title="Jobs finished" testId="trend-jobs" points={points} value={(p) => `${p.completed} completed, ${p.failed} failed`}>
        <BarChart data={points}>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis dataKey="day" tickFormatter={shortDay} {...axis} minTickGap={16} />
          <YAxis allowDecimals={false} width={28} {...axis} />
          <Tooltip {...tooltipStyle} />
          <Bar dataKey="completed" name="Completed" stackId="jobs" fill="var(--success)" isAnimationActive={false} />
          <Bar dataKey="failed" name="Failed or error" stackId="jobs" fill="var(--destructive)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ChartCard>
      <ChartCard title="Cost" testId="trend-cost" points={points} value={(p) => formatUsd(p.costUsd)}>
        <LineChart data={points}>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis dataKey="day" tickFormatter={shortDay} {...axis} minTickGap={16} />
          <YAxis width={44} tickFormatter={(v: number) => formatUsd(v)} {...axis} />
          <Tooltip {...tooltipStyle} formatter={(v) => formatUsd(Number(v))} />
          <Line type="monotone" dataKey="costUsd" name="Cost" stroke="var(--primary)" strokeWidth={2} dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="savingUsd" name="Cache saved" stroke="var(--success)" strokeWidth={2} strokeDasharray="4 3" dot={false} isAnimationActive={false} />
        </LineChart>
      </ChartCard>
      <ChartCard title="Tokens" testId="trend-tokens" points={points} value={(p) => formatCount(p.tokens)}>
        <BarChart data={points}>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis dataKey="day" tickFormatter={shortDay} {...axis} minTickGap={16} />
          <YAxis width={40} tickFormatter={(v: number) => formatCompact(v)} {...axis} />
          <Tooltip {...tooltipStyle} formatter={(v) => formatCount(Number(v))} />
          <Bar dataKey="tokens" name="Tokens" fill="var(--primary)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ChartCard>
    </div>
  );
}
