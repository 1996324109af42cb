/**
 * Why the supervisor ended a stage's container. A stopped container writes
 * no result of its own, so the runner records the outcome from this.
 */
export const CancelReason = {
  StoppedByUser: 'stopped_by_user',
  /** Cancel: the job ends for good (Failed), nothing is resumed. */
  CancelledByUser: 'cancelled_by_user',
  Timeout: 'timeout',
  SupervisorShutdown: 'supervisor_shutdown',
} as const;

export type CancelReason = (typeof CancelReason)[keyof typeof CancelReason];

export const CANCEL_REASONS: readonly CancelReason[] = Object.values(CancelReason);
