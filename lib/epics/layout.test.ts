import { describe, expect, it } from 'vitest';
import { branchUrl, graphBox, layoutEpicGraph } from './layout.ts';

describe('epic graph layout', () => {
  it('puts each wave in its own column and draws every dependency left to right', () => {
    const layout = layoutEpicGraph([
      { ticketId: 'a', wave: 0, dependsOn: [] },
      { ticketId: 'b', wave: 1, dependsOn: ['a'] },
      { ticketId: 'c', wave: 1, dependsOn: ['a'] },
      { ticketId: 'd', wave: 2, dependsOn: ['b', 'c'] },
    ]);
    const at = Object.fromEntries(layout.nodes.map((n) => [n.ticketId, n]));
    expect(new Set([at.b!.x, at.c!.x]).size).toBe(1);
    expect(at.a!.x).toBeLessThan(at.b!.x);
    expect(at.b!.x).toBeLessThan(at.d!.x);
    expect(at.b!.y).not.toBe(at.c!.y);
    expect(layout.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(['a>b', 'a>c', 'b>d', 'c>d']);
    for (const e of layout.edges) expect(e.x1).toBeLessThan(e.x2);
    expect(layout.width).toBe(3 * graphBox.width + 2 * graphBox.columnGap);
  });

  it('links the epic branch on each provider', () => {
    expect(branchUrl({ provider: 'github', fullName: 'acme/shop' }, 'epic/SPD-1')).toBe('https://github.com/acme/shop/tree/epic/SPD-1');
    expect(branchUrl({ provider: 'gitlab', fullName: 'acme/shop' }, 'epic/SPD-1')).toBe('https://gitlab.com/acme/shop/-/tree/epic/SPD-1');
    expect(branchUrl({ provider: 'bitbucket', fullName: 'acme/shop' }, 'epic/SPD-1')).toBe('https://bitbucket.org/acme/shop/src/epic/SPD-1');
  });
});
