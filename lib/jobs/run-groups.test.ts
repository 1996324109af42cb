import { describe, expect, it } from 'vitest';
import { groupRuns } from './run-groups.ts';

const job = (id: string, createdAt: number, rootJobId: string | null = id) => ({ id, createdAt, rootJobId });

describe('groupRuns', () => {
  it('puts follow-ups under their root run, newest first, and orders groups by their newest job', () => {
    const jobs = [job('a', 1), job('b', 2), job('a-retry', 3, 'a'), job('a-retry-2', 5, 'a'), job('c', 4)];
    const groups = groupRuns(jobs);
    expect(groups.map((g) => [g.root.id, g.followUps.map((f) => f.id)])).toEqual([
      ['a', ['a-retry-2', 'a-retry']],
      ['c', []],
      ['b', []],
    ]);
  });

  it('treats a job without a root as its own root run', () => {
    expect(groupRuns([job('x', 1, null)])).toEqual([{ root: job('x', 1, null), followUps: [] }]);
  });

  it('lets the oldest follow-up stand in when the root run is not in the list', () => {
    const groups = groupRuns([job('r2', 2, 'gone'), job('r3', 3, 'gone')]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.root.id).toBe('r2');
    expect(groups[0]!.followUps.map((f) => f.id)).toEqual(['r3']);
  });

  it('returns no groups for no runs', () => {
    expect(groupRuns([])).toEqual([]);
  });
});
