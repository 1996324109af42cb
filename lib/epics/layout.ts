// Where the Epic Run Panel draws each ticket of the graph: one column per wave, tickets of a
// wave stacked in the order given, an edge from each dependency to its dependant.

export type LaidOutNode = { ticketId: string; x: number; y: number };
export type LaidOutEdge = { from: string; to: string; x1: number; y1: number; x2: number; y2: number };
export type GraphLayout = { nodes: LaidOutNode[]; edges: LaidOutEdge[]; width: number; height: number };

export const graphBox = { width: 96, height: 28, columnGap: 40, rowGap: 12 } as const;

export function layoutEpicGraph(nodes: { ticketId: string; wave: number; dependsOn: readonly string[] }[]): GraphLayout {
  const rowInWave = new Map<number, number>();
  const placed = new Map<string, LaidOutNode>();
  for (const n of nodes) {
    const row = rowInWave.get(n.wave) ?? 0;
    rowInWave.set(n.wave, row + 1);
    placed.set(n.ticketId, { ticketId: n.ticketId, x: n.wave * (graphBox.width + graphBox.columnGap), y: row * (graphBox.height + graphBox.rowGap) });
  }
  const edges: LaidOutEdge[] = [];
  for (const n of nodes) {
    const to = placed.get(n.ticketId)!;
    for (const dep of n.dependsOn) {
      const from = placed.get(dep);
      if (!from) continue;
      edges.push({ from: dep, to: n.ticketId, x1: from.x + graphBox.width, y1: from.y + graphBox.height / 2, x2: to.x, y2: to.y + graphBox.height / 2 });
    }
  }
  const waves = Math.max(0, ...nodes.map((n) => n.wave + 1));
  const rows = Math.max(0, ...rowInWave.values());
  return {
    nodes: [...placed.values()],
    edges,
    width: Math.max(0, waves * (graphBox.width + graphBox.columnGap) - graphBox.columnGap),
    height: Math.max(0, rows * (graphBox.height + graphBox.rowGap) - graphBox.rowGap),
  };
}

/** The epic branch on the repository's provider. */
export function branchUrl(repository: { provider: 'github' | 'gitlab' | 'bitbucket'; fullName: string }, branch: string): string {
  const path = branch.split('/').map(encodeURIComponent).join('/');
  if (repository.provider === 'gitlab') return `https://gitlab.com/${repository.fullName}/-/tree/${path}`;
  if (repository.provider === 'bitbucket') return `https://bitbucket.org/${repository.fullName}/src/${path}`;
  return `https://github.com/${repository.fullName}/tree/${path}`;
}
