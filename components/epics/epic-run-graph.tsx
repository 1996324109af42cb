'use client';
import { useMemo } from 'react';
import { cn } from '@/lib/cn';
import { graphBox, layoutEpicGraph } from '@/lib/epics/layout';
import type { EpicNodeStatus } from '@/lib/epics/status';

export type GraphNode = { ticketId: string; label: string; wave: number; dependsOn: readonly string[]; status: EpicNodeStatus };

const fill: Record<EpicNodeStatus, string> = {
  pending: 'fill-muted stroke-border',
  running: 'fill-primary/15 stroke-primary',
  completed: 'fill-success/15 stroke-success',
  failed: 'fill-destructive/15 stroke-destructive',
  skipped: 'fill-muted stroke-muted-foreground/50',
  cancelled: 'fill-warning/15 stroke-warning',
};

/** The run's graph, one column per wave; an arrow from each dependency to the ticket waiting on it. */
export function EpicRunGraph({ nodes }: { nodes: GraphNode[] }) {
  const layout = useMemo(() => layoutEpicGraph(nodes), [nodes]);
  const byId = new Map(nodes.map((n) => [n.ticketId, n]));
  const pad = 4;
  return (
    <div className="overflow-x-auto rounded-md border p-2">
      <svg
        role="img"
        aria-label="Dependency graph of the epic run"
        width={layout.width + 2 * pad}
        height={layout.height + 2 * pad}
        viewBox={`${-pad} ${-pad} ${layout.width + 2 * pad} ${layout.height + 2 * pad}`}
        data-testid="epic-run-graph"
      >
        <defs>
          <marker id="epic-arrow" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" orient="auto">
            <path d="M0,0 L6,3 L0,6 z" className="fill-muted-foreground" />
          </marker>
        </defs>
        {layout.edges.map((e) => (
          <path
            key={`${e.from}>${e.to}`}
            d={`M${e.x1},${e.y1} C${(e.x1 + e.x2) / 2},${e.y1} ${(e.x1 + e.x2) / 2},${e.y2} ${e.x2},${e.y2}`}
            className="fill-none stroke-muted-foreground/60"
            markerEnd="url(#epic-arrow)"
            data-edge={`${e.from}>${e.to}`}
          />
        ))}
        {layout.nodes.map((p) => {
          const node = byId.get(p.ticketId)!;
          return (
            <g key={p.ticketId} transform={`translate(${p.x},${p.y})`} data-testid="epic-graph-node" data-status={node.status}>
              <rect width={graphBox.width} height={graphBox.height} rx={6} className={cn('stroke-1', fill[node.status])} />
              <text x={graphBox.width / 2} y={graphBox.height / 2} dominantBaseline="central" textAnchor="middle" className="fill-foreground font-mono text-[11px]">
                {node.label}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
