// A ticket's runs as the runs panel shows them: each root run with its follow-ups (retries,
// retries from a stage, review retriggers: jobs whose rootJobId names the root), newest
// first. No React and no database: the panel groups what its live query returns.

export type RunLike = { id: string; rootJobId: string | null; createdAt: number };
export type RunGroup<J extends RunLike> = { root: J; followUps: J[] };

const rootOf = (job: RunLike) => job.rootJobId ?? job.id;
const newestFirst = (a: RunLike, b: RunLike) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

/**
 * Groups by root run. A group is as new as its newest job, so a root that was just retried
 * comes first. When the root itself is not among `jobs`, its oldest follow-up stands in.
 */
export function groupRuns<J extends RunLike>(jobs: readonly J[]): RunGroup<J>[] {
  const byRoot = new Map<string, J[]>();
  for (const job of jobs) {
    const members = byRoot.get(rootOf(job));
    if (members) members.push(job);
    else byRoot.set(rootOf(job), [job]);
  }
  const groups: RunGroup<J>[] = [];
  for (const [rootId, members] of byRoot) {
    members.sort(newestFirst);
    const root = members.find((j) => j.id === rootId) ?? members[members.length - 1]!;
    groups.push({ root, followUps: members.filter((j) => j !== root) });
  }
  const newest = (g: RunGroup<J>) => g.followUps[0] ?? g.root;
  return groups.sort((a, b) => newestFirst(newest(a), newest(b)));
}
