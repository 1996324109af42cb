import { Check, Circle, CircleDot, CirclePause, CircleStop, CircleX, type LucideIcon } from 'lucide-react';
import { emptyUsage, type StageState, type StageView, type UsageTotals } from '@/lib/jobs/event-feed';
import { cn } from '@/lib/cn';
import { UsageFigures } from './usage-figures';

const look: Record<StageState, { label: string; icon: LucideIcon; className: string }> = {
  pending: { label: 'Pending', icon: Circle, className: 'text-muted-foreground' },
  running: { label: 'Running', icon: CircleDot, className: 'text-primary animate-pulse' },
  awaiting_answer: { label: 'Waiting for your answer', icon: CirclePause, className: 'text-warning' },
  awaiting_approval: { label: 'Awaiting approval', icon: CirclePause, className: 'text-warning' },
  completed: { label: 'Completed', icon: Check, className: 'text-success' },
  failed: { label: 'Failed', icon: CircleX, className: 'text-destructive' },
  stopped: { label: 'Stopped', icon: CircleStop, className: 'text-muted-foreground' },
};

/** The pipeline, step by step, each stage with its state and its own usage. */
export function JobStages({ steps, usage }: { steps: StageView[][]; usage: Map<string, UsageTotals> }) {
  if (steps.length === 0) return <p className="text-sm text-muted-foreground">This job has no pipeline stages.</p>;
  return (
    <ol className="grid gap-2" data-testid="job-stages">
      {steps.map((stages, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a pipeline step is known by its position (step 1, 2, …).
        <li key={i} className="grid gap-1.5">
          <span className="text-xs text-muted-foreground">Step {i + 1}</span>
          <ul className="grid gap-1.5">
            {stages.map((stage) => {
              const { label, icon: Icon, className } = look[stage.state];
              const stageUsage = usage.get(stage.id);
              return (
                <li key={stage.id} className="grid gap-1.5 rounded-md border p-2" data-testid="job-stage" data-state={stage.state}>
                  <div className="flex items-center gap-2 text-sm">
                    <Icon className={cn('size-4 shrink-0', className)} aria-hidden />
                    {/* Wraps: a long name kept on one line would widen the whole sidebar. */}
                    <span className="min-w-0 flex-1 font-medium [overflow-wrap:anywhere]">{stage.name}</span>
                    <span className="shrink-0 text-xs text-muted-foreground">{label}</span>
                  </div>
                  {stage.reason && <p className="text-xs text-destructive">{stage.reason}</p>}
                  {stageUsage && stageUsage !== emptyUsage && <UsageFigures usage={stageUsage} compact testId="stage-usage" />}
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ol>
  );
}
