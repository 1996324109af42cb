'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Textarea } from '@/components/ui/textarea';
import { useMutate } from '@/components/shell/use-mutate';
import { mutators } from '@/zero/mutators';

/** What a person can tell a paused job: answer the agent's question, approve its plan, or continue after Stop. */
export function JobResponse({ job }: { job: { id: string; status: string } }) {
  const mutate = useMutate();
  const [answer, setAnswer] = useState('');
  const [pending, setPending] = useState(false);
  const send = async (action: 'input' | 'approve' | 'continue', text?: string) => {
    setPending(true);
    const failed = await mutate(mutators.job.respond({ id: job.id, action, text }));
    setPending(false);
    if (!failed) setAnswer('');
  };

  if (job.status === 'stopped') {
    return (
      <div className="flex justify-end">
        <Button onClick={() => send('continue')} disabled={pending} data-testid="continue-job">
          Continue
        </Button>
      </div>
    );
  }
  if (job.status !== 'waiting_for_input') return null;
  return (
    <div className="grid gap-2 rounded-md border border-warning/40 bg-warning/5 p-3" data-testid="job-response">
      <p className="text-sm font-medium">The agent is waiting for you: answer its question, or approve the plan to go on.</p>
      <Textarea aria-label="Your answer" value={answer} onChange={(e) => setAnswer(e.target.value)} maxLength={4000} rows={3} />
      <div className="flex justify-end gap-2">
        <Button variant="outline" onClick={() => send('approve', answer.trim() || undefined)} disabled={pending}>
          Approve plan
        </Button>
        <Button onClick={() => send('input', answer)} disabled={pending || !answer.trim()}>
          Send answer
        </Button>
      </div>
    </div>
  );
}
