import { describe, expect, it } from 'vitest';
import { formatDisplayId, parseDisplayId } from './display-id.ts';
import { extractMentionHandles } from './mentions.ts';
import { projectKeySchema, suggestProjectKey } from './project-key.ts';
import { compareRank, rankBetween } from './rank.ts';
import { defaultStatuses } from './statuses.ts';
import { createsParentCycle, parentTypeProblem } from './ticket-hierarchy.ts';

describe('display ids', () => {
  it('formats an assigned number and a provisional one', () => {
    expect(formatDisplayId('SPD', 42)).toBe('SPD-42');
    expect(formatDisplayId('SPD', null)).toBe('SPD-…');
  });
  it('parses display ids case-insensitively and refuses junk', () => {
    expect(parseDisplayId('spd-7')).toEqual({ key: 'SPD', number: 7 });
    expect(parseDisplayId('SPD-')).toBeNull();
    expect(parseDisplayId('../etc')).toBeNull();
  });
});

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

describe('ranks', () => {
  it('places a key strictly between neighbours', () => {
    const a = rankBetween(null, null);
    const b = rankBetween(a, null);
    const mid = rankBetween(a, b);
    expect(a < mid && mid < b).toBe(true);
  });
  it('does not throw on neighbours that arrive out of order', () => {
    const a = rankBetween(null, null);
    const b = rankBetween(a, null);
    expect(rankBetween(b, a) > b).toBe(true);
  });
  it('breaks rank ties by id', () => {
    expect(compareRank({ rank: 'a0', id: 'x' }, { rank: 'a0', id: 'y' })).toBeLessThan(0);
  });
});

describe('ticket hierarchy', () => {
  it('lets epics hold stories and stories hold tasks and bugs', () => {
    expect(parentTypeProblem('story', 'epic')).toBeNull();
    expect(parentTypeProblem('bug', 'story')).toBeNull();
    expect(parentTypeProblem('epic', 'story')).toMatch(/cannot be a child/);
    expect(parentTypeProblem('task', 'task')).toMatch(/cannot be a child/);
  });
  it('detects a parent loop', () => {
    const parents: Record<string, string | null> = { a: null, b: 'a', c: 'b' };
    expect(createsParentCycle('a', 'c', (id) => parents[id])).toBe(true);
    expect(createsParentCycle('c', 'a', (id) => parents[id])).toBe(false);
  });
});

describe('mentions', () => {
  it('finds @handles but not e-mail addresses or code', () => {
    expect(extractMentionHandles('hi @Ada and @bob-2, mail x@y.com, `@code`')).toEqual(['ada', 'bob-2']);
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
