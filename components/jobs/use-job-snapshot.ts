'use client';
import { useEffect, useState } from 'react';
import { jobSnapshot, type JobSnapshot } from '@spedy/protocol/wire';

/** Loading (null), read, or unreadable (missing, refused or malformed). */
export type JobSnapshotState = null | { success: true; data: JobSnapshot } | { success: false };

// A snapshot changes only when a person overrides the job's budget: read each one once per
// page load, and again after forgetJobSnapshot.
const read = new Map<string, Promise<Exclude<JobSnapshotState, null>>>();
const forgotten = new Set<() => void>();

/** Reads the job's snapshot afresh wherever it is shown (after this page changed it). */
export function forgetJobSnapshot(orgID: string, jobID: string): void {
  read.delete(`${orgID}/${jobID}`);
  for (const reload of forgotten) reload();
}

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
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const reload = () => setVersion((v) => v + 1);
    forgotten.add(reload);
    return () => {
      forgotten.delete(reload);
    };
  }, []);
  useEffect(() => {
    if (!jobID || version < 0) return;
    let live = true;
    void load(orgID, jobID).then((value) => {
      if (live) setState({ key: `${orgID}/${jobID}`, value });
    });
    return () => {
      live = false;
    };
  }, [orgID, jobID, version]);
  return state.key === key ? state.value : null;
}
