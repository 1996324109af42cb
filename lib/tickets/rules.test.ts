import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDisplayId, parseDisplayId } from './display-id.ts';
import { createsParentCycle, defaultChildType, parentProblem, parentTypeProblem } from './hierarchy.ts';
import { extractMentionHandles, resolveMentions } from './mentions.ts';
import { compareRank, rankBetween } from './rank.ts';

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
  it('names the first reason a parent cannot hold a ticket', () => {
    const parents: Record<string, string | null> = { epic: null, story: 'epic' };
    const parentOf = (id: string) => parents[id];
    const story = { id: 'story', projectId: 'p', type: 'story' as const };
    expect(parentProblem({ id: 'task', projectId: 'p', type: 'task' }, story, parentOf)).toBeNull();
    expect(parentProblem({ id: 'task', projectId: 'other', type: 'task' }, story, parentOf)).toBe('A parent ticket must be in the same project.');
    expect(parentProblem({ id: 'x', projectId: 'p', type: 'epic' }, story, parentOf)).toMatch(/cannot be a child of a story/);
    expect(parentProblem({ id: 'epic', projectId: 'p', type: 'story' }, { id: 'story', projectId: 'p', type: 'epic' }, parentOf)).toBe(
      'That parent would make the ticket its own ancestor.',
    );
  });
  it('makes a subticket one level below its parent unless told otherwise', () => {
    expect(defaultChildType.epic).toBe('story');
    expect(defaultChildType.story).toBe('task');
    expect(defaultChildType.bug).toBe('task');
    for (const parent of ['epic', 'story'] as const) expect(parentTypeProblem(defaultChildType[parent], parent)).toBeNull();
  });
});

describe('mentions', () => {
  it('finds @handles but not e-mail addresses or code', () => {
    expect(extractMentionHandles('hi @Ada and @bob-2, mail x@y.com, `@code`')).toEqual(['ada', 'bob-2']);
  });
  it('stores the ids of handles that exist in the organization, asking only when the body names one', async () => {
    const asked: { organizationId: string; handles: string[] }[] = [];
    const lookup = async (organizationId: string, handles: string[]) => {
      asked.push({ organizationId, handles });
      return handles.filter((h) => h === 'ada').map((h) => ({ id: `handle-${h}` }));
    };
    expect(await resolveMentions('thanks @Ada and @nobody', 'org-1', lookup)).toEqual(['handle-ada']);
    expect(await resolveMentions('no mentions, mail x@y.com', 'org-1', lookup)).toEqual([]);
    expect(asked).toEqual([{ organizationId: 'org-1', handles: ['ada', 'nobody'] }]);
  });
});

describe('the pure ticket rules', () => {
  it('import nothing that needs a server, because Zero runs the shared mutators in the browser too', () => {
    for (const file of ['display-id.ts', 'hierarchy.ts', 'mentions.ts', 'rank.ts']) {
      const source = readFileSync(new URL(file, import.meta.url), 'utf8');
      const runtimeImports = [...source.matchAll(/^import (?!type )[^;]*? from '([^']+)'/gm)].map((m) => m[1]);
      expect(runtimeImports.filter((name) => name !== 'fractional-indexing'), file).toEqual([]);
    }
  });
});
