// The runner image's preparation as a runner reports it (registration and heartbeats) and a
// job that waits for it shows it (the `runner_image` event): preparing since when, ready, or
// failed with the reason. The Runners tab and the job feed both word it with runnerImageLine.
import { z } from 'zod';

export const runnerImageStates = ['preparing', 'ready', 'failed'] as const;
export type RunnerImageState = (typeof runnerImageStates)[number];

export const runnerImageStatus = z.object({
  state: z.enum(runnerImageStates),
  /** When the preparation started (ms since the epoch, the runner's clock). */
  startedAt: z.number().int().nonnegative(),
  /** When it ended (ready or failed). */
  endedAt: z.number().int().nonnegative().optional(),
  /** Why it failed, for a person to read. */
  reason: z.string().max(2000).optional(),
});
export type RunnerImageStatus = z.infer<typeof runnerImageStatus>;

/** "0:41", "12:05", "1:02:03": elapsed time as a clock shows it (never negative). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** The line a person reads: "Preparing runner image — 0:41" (ticking with `now`), "Runner image ready after 0:52", "Runner image failed: …". */
export function runnerImageLine(status: RunnerImageStatus, now: number): string {
  switch (status.state) {
    case 'preparing':
      return `Preparing runner image — ${formatElapsed(now - status.startedAt)}`;
    case 'ready':
      return `Runner image ready after ${formatElapsed((status.endedAt ?? now) - status.startedAt)}`;
    case 'failed':
      return `Runner image failed: ${status.reason ?? 'no reason was given'}`;
  }
}
