'use client';
import { useEffect, useState } from 'react';
import { jobSnapshot, type JobSnapshot } from '@spedy/protocol/wire';

/** Loading (null), read, or unreadable (missing, refused or malformed). */
export type JobSnapshotState = null | { success: true; data: JobSnapshot } | { success: false };

// A snapshot never changes once its job exists: read each one once per page load.
const read = new Map<string, Promise<Exclude<JobSnapshotState, null>>>();

function load(orgID: string, jobID: string): Promise<Exclude<JobSnapshotState, null>> {
  const key = `${orgID}/${jobID}`;
  let pending = read.get(key);
  if (!pending) {
    pending = fetch(`/api/orgs/${encodeURIComponent(orgID)}/jobs/${encodeURIComponent(jobID)}/snapshot`, { cache: 'no-store' })
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        const parsed = jobSnapshot.safeParse(((await res.json()) as { snapshot?: unknown }).snapshot);
        return parsed.success ? { success: true as const, data: parsed.data } : { success: false as const };
      })
      .catch(() => {
        read.delete(key); // a later mount asks again
        return { success: false as const };
      });
    read.set(key, pending);
  }
  return pending;
}

/**
 * The job's snapshot (pipeline, budget, trigger), read over HTTP: it stays out of Zero so
 * that the job's status changes do not replicate it (lib/jobs/snapshot.ts).
 */
export function useJobSnapshot(orgID: string, jobID: string | undefined): JobSnapshotState {
  const [state, setState] = useState<{ key: string; value: JobSnapshotState }>({ key: '', value: null });
  const key = jobID ? `${orgID}/${jobID}` : '';
  useEffect(() => {
    if (!jobID) return;
    let live = true;
    void load(orgID, jobID).then((value) => {
      if (live) setState({ key: `${orgID}/${jobID}`, value });
    });
    return () => {
      live = false;
    };
  }, [orgID, jobID]);
  return state.key === key ? state.value : null;
}
