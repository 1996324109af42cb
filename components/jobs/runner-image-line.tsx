'use client';
import { useEffect, useState } from 'react';
import { runnerImageLine, type RunnerImageStatus } from '@spedy/protocol/runner-image';
import { cn } from '@/lib/cn';

/** The current time, every second while `ticking` (a clock that counts up on screen). */
function useSecondClock(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

/**
 * "Preparing runner image — 0:41", counting up while it prepares; "Runner image failed: …"
 * with the reason. The Runners tab shows it on the runner's row, the job feed while a job waits.
 */
export function RunnerImageLine({ status, className, testId = 'runner-image' }: { status: RunnerImageStatus; className?: string; testId?: string }) {
  const now = useSecondClock(status.state === 'preparing');
  return (
    <span
      className={cn('text-xs', status.state === 'failed' ? 'text-destructive' : 'text-muted-foreground', className)}
      data-testid={testId}
      data-state={status.state}
      role={status.state === 'failed' ? 'alert' : undefined}
    >
      {runnerImageLine(status, now)}
    </span>
  );
}
