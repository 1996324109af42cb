import { describe, expect, it } from 'vitest';
import { buildEpicGraph, dependantsOf, descendantsOf, type BlockLink, type EpicGraphNode, type EpicTicket } from './graph.ts';

const epic = 'E';
const ticket = (n: number, parentId: string = epic, completed = false): EpicTicket => ({ id: `t${n}`, displayId: `SPD-${n}`, parentId, completed });
const blocks = (pairs: [number, number][]): BlockLink[] => pairs.map(([a, b]) => ({ blockerId: `t${a}`, blockedId: `t${b}` }));

function graphOf(tickets: EpicTicket[], links: BlockLink[] = []) {
  const result = buildEpicGraph(epic, [{ id: epic, displayId: 'SPD-0', parentId: null, completed: false }, ...tickets], links);
  if (!result.ok) throw new Error(result.problem);
  return new Map(result.graph.nodes.map((n) => [n.ticketId, n]));
}
const waves = (nodes: Map<string, EpicGraphNode>) => Object.fromEntries([...nodes].map(([id, n]) => [id, n.wave]));

/** Every dependency sits in an earlier wave: the order a run releases them in respects it. */
function expectWavesRespectDependencies(nodes: Map<string, EpicGraphNode>) {
  for (const n of nodes.values()) for (const d of n.dependsOn) expect(nodes.get(d)!.wave).toBeLessThan(n.wave);
}

describe('epic dependency graph', () => {
  it('puts a chain one ticket per wave, in order', () => {
    const tickets = Array.from({ length: 12 }, (_, i) => ticket(i + 1));
    const nodes = graphOf(tickets, blocks(Array.from({ length: 11 }, (_, i) => [i + 1, i + 2] as [number, number])));
    expect(tickets.map((t) => nodes.get(t.id)!.wave)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(nodes.get('t5')!.dependsOn).toEqual(['t4']);
  });

  it('puts a diamond in three waves, the join after both sides', () => {
    const nodes = graphOf([1, 2, 3, 4].map((n) => ticket(n)), blocks([[1, 2], [1, 3], [2, 4], [3, 4]]));
    expect(waves(nodes)).toEqual({ t1: 0, t2: 1, t3: 1, t4: 2 });
    expect(nodes.get('t4')!.dependsOn.sort()).toEqual(['t2', 't3']);
  });

  it('takes the deepest path for a ticket reached by paths of different lengths', () => {
    const nodes = graphOf([1, 2, 3, 4].map((n) => ticket(n)), blocks([[1, 2], [2, 3], [3, 4], [1, 4]]));
    expect(waves(nodes)).toEqual({ t1: 0, t2: 1, t3: 2, t4: 3 });
  });

  it('releases a wide fan-out in one wave after its root', () => {
    const tickets = Array.from({ length: 60 }, (_, i) => ticket(i + 1));
    const nodes = graphOf(tickets, blocks(tickets.slice(1).map((_, i) => [1, i + 2] as [number, number])));
    expect(nodes.get('t1')!.wave).toBe(0);
    expect([...nodes.values()].filter((n) => n.wave === 1)).toHaveLength(59);
  });

  it('runs a story after its own children, and its dependants after the story', () => {
    const nodes = graphOf([ticket(1), ticket(2, 't1'), ticket(3, 't1'), ticket(4, 't3'), ticket(5)], blocks([[1, 5]]));
    expect(waves(nodes)).toEqual({ t1: 2, t2: 0, t3: 1, t4: 0, t5: 3 });
    expect(nodes.get('t1')!.dependsOn.sort()).toEqual(['t2', 't3']);
    expectWavesRespectDependencies(nodes);
  });

  it('refuses a loop, naming its tickets', () => {
    const result = buildEpicGraph(epic, [1, 2, 3, 4].map((n) => ticket(n)), blocks([[1, 2], [2, 3], [3, 4], [4, 2]]));
    expect(result.ok).toBe(false);
    const problem = result.ok ? '' : result.problem;
    expect(problem).toMatch(/loop: SPD-(2|3|4) → SPD-(2|3|4) → SPD-(2|3|4) → SPD-\d\./);
    for (const name of ['SPD-2', 'SPD-3', 'SPD-4']) expect(problem).toContain(name);
    expect(problem).not.toContain('SPD-1 ');
  });

  it('refuses a loop through a parent: a story that BLOCKS its own child', () => {
    const result = buildEpicGraph(epic, [ticket(1), ticket(2, 't1')], blocks([[1, 2]]));
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/loop: SPD-(1|2) → SPD-(1|2) → SPD-(1|2)\./) });
  });

  it('takes 100 descendants and refuses 101 with the advice to split the Epic', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => ticket(i + 1, i < 10 ? epic : `t${(i % 10) + 1}`));
    expect(graphOf(hundred).size).toBe(100);
    const result = buildEpicGraph(epic, [...hundred, ticket(101)], []);
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/101 subtickets.*at most 100\. Split it into smaller Epics\./) });
  });

  it('keeps only descendants, ignores links to tickets outside the Epic and marks completed ones', () => {
    const nodes = graphOf([ticket(1, epic, true), ticket(2), ticket(3, 'other'), ticket(4, 't2')], blocks([[3, 2], [1, 2]]));
    expect([...nodes.keys()].sort()).toEqual(['t1', 't2', 't4']);
    expect(nodes.get('t1')!.completed).toBe(true);
    expect(nodes.get('t2')!.dependsOn.sort()).toEqual(['t1', 't4']);
  });

  it('computes waves that respect every dependency of a generated 8-wide, 12-deep graph', () => {
    const tickets = Array.from({ length: 96 }, (_, i) => ticket(i + 1));
    // Each ticket of layer L (1-based) depends on two of layer L-1, chosen by a fixed rule.
    const links = tickets.slice(8).flatMap((_, i) => {
      const n = i + 9;
      const prevLayer = Math.floor((n - 1) / 8) * 8 - 8;
      return [[prevLayer + ((n * 3) % 8) + 1, n], [prevLayer + ((n * 5 + 1) % 8) + 1, n]] as [number, number][];
    });
    const nodes = graphOf(tickets, blocks(links));
    expectWavesRespectDependencies(nodes);
    expect(Math.max(...[...nodes.values()].map((n) => n.wave))).toBe(11);
  });

  it('finds the dependants of a ticket through others', () => {
    const nodes = [...graphOf([1, 2, 3, 4, 5].map((n) => ticket(n)), blocks([[1, 2], [2, 3], [4, 5]])).values()];
    expect(dependantsOf('t1', nodes).sort()).toEqual(['t2', 't3']);
    expect(descendantsOf('t1', [ticket(1), ticket(2, 't1'), ticket(3, 't2')]).map((t) => t.id)).toEqual(['t2', 't3']);
  });
});
