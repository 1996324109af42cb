// An epic run's and its tickets' statuses (spec: Epic Run Panel), and what the panel shows for them.

export const epicRunStatuses = ['running', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type EpicRunStatus = (typeof epicRunStatuses)[number];

export const epicRunStatusLabels: Record<EpicRunStatus, string> = {
  running: 'Running',
  paused: 'Paused',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** A run that holds its tickets: no status trigger fires for them, its team is read-only. */
export function isActiveEpicRun(status: EpicRunStatus): boolean {
  return status === 'running' || status === 'paused';
}

/** Continue resumes these (spec: "Resume a paused or cancelled run"); a closing job that failed leaves the run Failed. */
export function mayContinue(status: EpicRunStatus): boolean {
  return status === 'paused' || status === 'cancelled' || status === 'failed';
}

export const epicNodeStatuses = ['pending', 'running', 'completed', 'failed', 'skipped', 'cancelled'] as const;
export type EpicNodeStatus = (typeof epicNodeStatuses)[number];

export const epicNodeStatusLabels: Record<EpicNodeStatus, string> = {
  pending: 'Waiting',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

/** Done for the run: its dependants may go (a skipped ticket's dependants are skipped with it). */
export function isSettledNode(status: EpicNodeStatus): boolean {
  return status === 'completed' || status === 'skipped';
}

export type EpicRunPullRequest = { repository: string; url: string; number: number; branch?: string };

/** `epic/<display-id>`: the one branch of a run, in every repository (protocol/src/wire.ts epicRunPart). */
export function epicBranch(displayId: string): string {
  return `epic/${displayId}`;
}

/** The Epic's display id from its run's branch (the inverse of epicBranch). */
export function epicDisplayIdOfBranch(branch: string): string {
  return branch.replace(/^epic\//, '');
}
