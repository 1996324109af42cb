import { describe, expect, it } from 'vitest';
import { projectKeySchema, suggestProjectKey } from './project-key.ts';
import { defaultStatuses } from './statuses.ts';

describe('project keys', () => {
  it('accepts short capital keys and explains refusals', () => {
    expect(projectKeySchema.safeParse('SPD').success).toBe(true);
    const bad = projectKeySchema.safeParse('spd!');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].message).toMatch(/capital letters/);
  });
  it('suggests a key from the project name', () => {
    expect(suggestProjectKey('Spedy Platform')).toBe('SP');
    expect(suggestProjectKey('Billing')).toBe('BIL');
    expect(projectKeySchema.safeParse(suggestProjectKey('42 things')).success).toBe(true);
  });
});

describe('default statuses', () => {
  it('are the five columns in order', () => {
    let n = 0;
    const statuses = defaultStatuses(() => `s${n++}`);
    expect(statuses.map((s) => s.name)).toEqual(['Backlog', 'Todo', 'AI Processing', 'In Review', 'Done']);
    expect([...statuses].sort((x, y) => (x.position < y.position ? -1 : 1)).map((s) => s.id)).toEqual(['s0', 's1', 's2', 's3', 's4']);
  });
});
