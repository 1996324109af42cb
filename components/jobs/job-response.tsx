'use client';
import { useState, type KeyboardEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Textarea } from '@/components/ui/textarea';
import { useMutate } from '@/components/shell/use-mutate';
import type { PendingRequest } from '@/lib/jobs/event-feed';
import { mutators } from '@/zero/mutators';
import { BudgetResponse } from './budget-response';
import { PlanReview } from './plan-review';
import { useCanSteer } from './use-can-steer';

type Action = 'input' | 'approve' | 'revise' | 'continue';

/**
 * What a person can tell a paused job: answer the agent's question (the amber "Answers
 * required" panel, without Approve until it is answered), approve its plan or send it back
 * with changes, or continue after Stop. Only for those who may steer jobs (use-can-steer.ts).
 */
export function JobResponse({ job, pending }: { job: { id: string; status: string; teamId: string | null }; pending: PendingRequest }) {
  const mutate = useMutate();
  const canSteer = useCanSteer();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const send = async (action: Action, body?: string) => {
    setSending(true);
    const failed = await mutate(mutators.job.respond({ id: job.id, action, text: body }));
    setSending(false);
    if (!failed) setText('');
  };
  const answer = () => text.trim() && !sending && send('input', text.trim());
  // Enter sends; Shift+Enter is a new line.
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return;
    e.preventDefault();
    void answer();
  };

  if (!canSteer) return null;
  if (job.status === 'stopped') {
    return (
      <div className="flex items-center justify-end gap-3">
        <p className="text-sm text-muted-foreground">Stopped. Continue picks up where it left off.</p>
        <Button onClick={() => send('continue')} disabled={sending} data-testid="continue-job">
          Continue
        </Button>
      </div>
    );
  }
  if (job.status !== 'waiting_for_input') return null;
  if (pending?.kind === 'budget') return <BudgetResponse job={job} pending={pending} />;

  if (pending?.kind === 'plan') {
    return (
      <PlanReview
        // A new plan starts with an empty comment box.
        key={pending.plan}
        plan={pending.plan}
        previous={pending.previous}
        sending={sending}
        onApprove={(note) => void send('approve', note)}
        onRequestChanges={(change) => void send('revise', change)}
      />
    );
  }

  return (
    <section className="grid gap-2 rounded-md border border-amber-500/50 bg-amber-500/10 p-3" aria-labelledby="answers-heading" data-testid="job-response">
      <h3 id="answers-heading" className="text-sm font-semibold text-amber-800 dark:text-amber-300">Answers required</h3>
      <p className="text-sm whitespace-pre-wrap" data-testid="job-question">
        {pending?.kind === 'question' ? pending.question : 'The agent is waiting for your answer.'}
      </p>
      <Textarea
        aria-label="Your answer"
        placeholder="Your answer (Enter sends, Shift+Enter for a new line)"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        maxLength={4000}
        rows={2}
        disabled={sending}
      />
      <div className="flex justify-end gap-2">
        {pending?.kind === 'question' && pending.question.startsWith('No progress:') && (
          <Button variant="outline" onClick={() => send('continue')} disabled={sending} data-testid="continue-anyway">
            Continue anyway
          </Button>
        )}
        <Button onClick={() => void answer()} disabled={sending || !text.trim()}>
          Send answer
        </Button>
      </div>
    </section>
  );
}
