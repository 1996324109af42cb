'use client';
import { useQuery, useZero } from '@rocicorp/zero/react';
import { useEffect, useMemo } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { presenceHeartbeatMs, watchersNow, type Watcher } from '@/lib/jobs/presence';
import { mutators } from '@/zero/mutators';
import { queries } from '@/zero/queries';

/** Keeps this person present on the job's page while it is open, and returns who else is. */
export function useJobPresence(jobID: string): Watcher[] {
  const org = useCurrentOrg();
  const zero = useZero();
  const [rows] = useQuery(queries.runners.jobViewers({ orgID: org.id, jobID }));

  useEffect(() => {
    const beat = () => void zero.mutate(mutators.jobViewer.heartbeat({ jobID }));
    const leave = () => void zero.mutate(mutators.jobViewer.leave({ jobID }));
    beat();
    const timer = setInterval(beat, presenceHeartbeatMs);
    // A page closed or navigated away from leaves at once; one that vanishes expires (lib/jobs/presence.ts).
    window.addEventListener('pagehide', leave);
    window.addEventListener('pageshow', beat);
    return () => {
      clearInterval(timer);
      window.removeEventListener('pagehide', leave);
      window.removeEventListener('pageshow', beat);
      leave();
    };
  }, [zero, jobID]);

  return useMemo(() => watchersNow(rows, org.userID), [rows, org.userID]);
}
