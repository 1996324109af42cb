// The heartbeat sweep as a periodic task: runners whose heartbeats stopped turn Offline and
// their active jobs Failed (a draining runner's: handed back); expired auth-failure counts and delivered controls are pruned.
import type { DbOrTx } from '../jobs/db.ts';
import { pruneControls } from '../jobs/control.ts';
import { pruneAuthFailures } from '../runners/authenticate.ts';
import { runnerOfflineReason, sweepLostRunners } from '../runners/heartbeat-monitor.ts';
import type { PeriodicTask } from './queue.ts';

export type HeartbeatSweepDeps = {
  db: DbOrTx;
  periodMs: number;
  /** Heartbeats count as no older than this: the sweeping instance's start (see sweepLostRunners). */
  heartbeatFloor: number;
  log: (line: string) => void;
};

export function heartbeatSweep(deps: HeartbeatSweepDeps): PeriodicTask {
  return {
    identifier: 'heartbeat-sweep',
    periodMs: deps.periodMs,
    async run() {
      const lost = await sweepLostRunners(deps.db, Date.now(), deps.heartbeatFloor);
      for (const r of lost) {
        const [verb, ids] = r.handedBackJobIds.length > 0 ? ['handed back', r.handedBackJobIds] : ['failed', r.failedJobIds];
        const shown = ids.slice(0, 5).join(', ') + (ids.length > 5 ? `, and ${ids.length - 5} more` : '');
        deps.log(`${runnerOfflineReason(r.name, r.timeoutSeconds)}: runner ${r.id} is Offline; ${verb} ${ids.length} active job(s)${shown ? ` (${shown})` : ''}`);
      }
      await pruneAuthFailures(deps.db);
      await pruneControls(deps.db);
    },
  };
}
