'use client';
import { useMemo, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Textarea } from '@/components/ui/textarea';
import { cn } from '@/lib/cn';
import { planSideBySide, type PlanLine } from '@/lib/jobs/plan-diff';

type PlanReviewProps = {
  plan: string;
  /** The plan this one revises, shown beside it, diffed. */
  previous: string | null;
  sending: boolean;
  onApprove: (note: string | undefined) => void;
  onRequestChanges: (change: string) => void;
};

/**
 * The plan waiting for approval: Approve (with an optional note), or Request changes with a
 * comment (the planner writes it again). Ending the job outright is the header's "End the job".
 */
export function PlanReview({ plan, previous, sending, onApprove, onRequestChanges }: PlanReviewProps) {
  const [text, setText] = useState('');
  const comment = text.trim();
  return (
    <section className="grid gap-2 rounded-md border p-3" aria-labelledby="plan-heading" data-testid="job-approval">
      <h3 id="plan-heading" className="text-sm font-medium">
        {previous === null ? 'The plan waits for your approval' : 'The revised plan waits for your approval'}
      </h3>
      {previous === null ? (
        <div className="max-h-80 overflow-y-auto rounded-md bg-muted/40 p-3 text-sm whitespace-pre-wrap" data-testid="job-plan">
          {plan}
        </div>
      ) : (
        <PlanBesidePrevious plan={plan} previous={previous} />
      )}
      <Textarea
        aria-label="A note for the agent (optional)"
        placeholder="A note for the agent (optional); for Request changes, what should change"
        value={text}
        onChange={(e) => setText(e.target.value)}
        maxLength={4000}
        rows={2}
      />
      <div className="flex justify-end gap-2">
        <Button variant="outline" onClick={() => onRequestChanges(comment)} disabled={sending || !comment} data-testid="request-changes">
          Request changes
        </Button>
        <Button onClick={() => onApprove(comment || undefined)} disabled={sending}>
          Approve plan
        </Button>
      </div>
    </section>
  );
}

function PlanBesidePrevious({ plan, previous }: { plan: string; previous: string }) {
  const { before, after, changed } = useMemo(() => planSideBySide(previous, plan), [previous, plan]);
  return (
    <div className="grid gap-2">
      {!changed && <p className="text-xs text-muted-foreground">The planner wrote the same plan again.</p>}
      <div className="grid max-h-96 gap-2 overflow-y-auto md:grid-cols-2">
        <PlanColumn title="Previous plan" lines={before} testId="job-plan-previous" />
        <PlanColumn title="Revised plan" lines={after} testId="job-plan" />
      </div>
    </div>
  );
}

function PlanColumn({ title, lines, testId }: { title: string; lines: PlanLine[]; testId: string }) {
  return (
    <figure className="grid content-start gap-1">
      <figcaption className="text-xs font-medium text-muted-foreground">{title}</figcaption>
      <div className="rounded-md bg-muted/40 p-2 text-sm" data-testid={testId}>
        {lines.map((line, index) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text, in order.
            key={index}
            data-change={line.change}
            className={cn(
              'min-h-5 px-1 whitespace-pre-wrap',
              line.change === 'removed' && 'bg-destructive/10 text-destructive line-through decoration-destructive/50',
              line.change === 'added' && 'bg-emerald-500/15',
            )}
          >
            {line.change === 'removed' && <span className="sr-only">Removed: </span>}
            {line.change === 'added' && <span className="sr-only">Added: </span>}
            {line.text}
          </div>
        ))}
      </div>
    </figure>
  );
}
