// Offers for the runners whose sockets are open on this instance. Notices that arrive
// together (a batch of jobs created in one transaction, several runners connecting) are
// handled by one query, and a runner is never offered more jobs than it has free slots.
import type { DbOrTx } from '../lib/jobs/db.ts';
import { findOffers } from '../lib/jobs/offers.ts';
import { toError } from '@spedy/protocol/errors';
import { spedyMetrics } from '../lib/operations/metrics.ts';

export type OfferDispatcher = {
  /** A job became Ready somewhere (any instance). */
  jobReady(jobId: string, organizationId: string): void;
  /** Offer whatever waits to this local runner (it connected or has a free slot). */
  runnerWake(runnerId: string): void;
};

export function createOfferDispatcher(deps: {
  db: DbOrTx;
  /** Local runner ids, optionally only those of one organization. */
  localRunners(organizationId?: string): string[];
  offer(runnerId: string, jobId: string): void;
  log: (line: string) => void;
}): OfferDispatcher {
  const readyJobs = new Map<string, string>(); // jobId → organizationId
  const wokenRunners = new Set<string>();
  let scheduled = false;
  let flushing: Promise<void> | undefined;

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      // One flush at a time; what arrives meanwhile waits for the next.
      flushing = (flushing ?? Promise.resolve()).then(flush);
    });
  };

  const flush = async () => {
    scheduled = false;
    const jobs = new Map(readyJobs);
    const runners = [...wokenRunners];
    readyJobs.clear();
    wokenRunners.clear();
    try {
      if (jobs.size > 0) {
        const orgs = new Set(jobs.values());
        const candidates = [...orgs].flatMap((org) => deps.localRunners(org));
        for (const o of await findOffers(deps.db, { runnerIds: candidates, jobIds: [...jobs.keys()] })) {
          deps.offer(o.runnerId, o.jobId);
          // Only here, a job's first offers: later ones (a runner woke) would count its wait in the queue.
          spedyMetrics().dispatchLatency.observe(Math.max(0, Date.now() - o.jobCreatedAt) / 1000);
        }
      }
      const stillLocal = new Set(deps.localRunners());
      const local = runners.filter((r) => stillLocal.has(r));
      for (const o of await findOffers(deps.db, { runnerIds: local })) deps.offer(o.runnerId, o.jobId);
    } catch (error) {
      deps.log(`offering jobs failed: ${toError(error).message}`);
    }
  };

  return {
    jobReady(jobId, organizationId) {
      if (deps.localRunners(organizationId).length === 0) return;
      readyJobs.set(jobId, organizationId);
      schedule();
    },
    runnerWake(runnerId) {
      wokenRunners.add(runnerId);
      schedule();
    },
  };
}
