// An Epic's dependency graph: every descendant (stories and their tasks and bugs), each
// depending on the tickets that BLOCK it and on its own children (a story runs after them,
// with their work already on the epic branch). A ticket's wave is its depth: 0 with no
// dependency, else one more than its deepest dependency. Pure: lib/epics/resolve.ts reads
// the rows, this decides.

/** Each epic run is capped at 100 child tickets (spec: Epic Orchestrator, Limits). */
export const maxEpicRunTickets = 100;

export type EpicTicket = { id: string; displayId: string; parentId: string | null; completed: boolean };
export type BlockLink = { blockerId: string; blockedId: string };

export type EpicGraphNode = { ticketId: string; displayId: string; dependsOn: string[]; wave: number; completed: boolean };
export type EpicGraph = { nodes: EpicGraphNode[] };

export type EpicGraphResult = { ok: true; graph: EpicGraph } | { ok: false; problem: string };

/** The tickets under `epicId` at any depth, in the order given (a parent loop stops the walk). */
export function descendantsOf(epicId: string, tickets: EpicTicket[]): EpicTicket[] {
  const children = new Map<string, EpicTicket[]>();
  for (const t of tickets) {
    if (!t.parentId) continue;
    children.set(t.parentId, [...(children.get(t.parentId) ?? []), t]);
  }
  const found = new Set<string>();
  const queue = [epicId];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (child.id === epicId || found.has(child.id)) continue;
      found.add(child.id);
      queue.push(child.id);
    }
  }
  return tickets.filter((t) => found.has(t.id));
}

/**
 * The graph of `epicId`'s descendants among `tickets`. BLOCKS links with a ticket outside the
 * Epic do not hold the run back. Refused: more than 100 descendants, or a dependency loop
 * (named ticket by ticket).
 */
export function buildEpicGraph(epicId: string, tickets: EpicTicket[], blocks: BlockLink[]): EpicGraphResult {
  const members = descendantsOf(epicId, tickets);
  if (members.length > maxEpicRunTickets) {
    return {
      ok: false,
      problem: `This Epic has ${members.length} subtickets and stories; an epic run takes at most ${maxEpicRunTickets}. Split it into smaller Epics.`,
    };
  }
  const inRun = new Map(members.map((t) => [t.id, t]));
  const dependsOn = new Map<string, Set<string>>(members.map((t) => [t.id, new Set<string>()]));
  for (const t of members) if (t.parentId && inRun.has(t.parentId)) dependsOn.get(t.parentId)!.add(t.id);
  for (const b of blocks) if (inRun.has(b.blockerId) && inRun.has(b.blockedId) && b.blockerId !== b.blockedId) dependsOn.get(b.blockedId)!.add(b.blockerId);

  const waves = wavesOf(dependsOn);
  if (!waves.ok) {
    const names = waves.cycle.map((id) => inRun.get(id)!.displayId);
    return { ok: false, problem: `These tickets depend on each other in a loop: ${[...names, names[0]].join(' → ')}. Remove one of their BLOCKS links.` };
  }
  return {
    ok: true,
    graph: {
      nodes: members.map((t) => ({
        ticketId: t.id,
        displayId: t.displayId,
        dependsOn: [...dependsOn.get(t.id)!],
        wave: waves.wave.get(t.id)!,
        completed: t.completed,
      })),
    },
  };
}

type Waves = { ok: true; wave: Map<string, number> } | { ok: false; cycle: string[] };

/** Kahn's algorithm: depths of an acyclic graph, or one loop among the nodes it could not place. */
function wavesOf(dependsOn: Map<string, Set<string>>): Waves {
  const dependants = new Map<string, string[]>([...dependsOn.keys()].map((id) => [id, []]));
  const pending = new Map<string, number>();
  for (const [id, deps] of dependsOn) {
    pending.set(id, deps.size);
    for (const dep of deps) dependants.get(dep)!.push(id);
  }
  const wave = new Map<string, number>();
  const ready = [...dependsOn.keys()].filter((id) => pending.get(id) === 0);
  for (const id of ready) wave.set(id, 0);
  while (ready.length > 0) {
    const id = ready.pop()!;
    for (const next of dependants.get(id)!) {
      wave.set(next, Math.max(wave.get(next) ?? 0, wave.get(id)! + 1));
      const left = pending.get(next)! - 1;
      pending.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if ([...pending.values()].every((n) => n === 0)) return { ok: true, wave };
  return { ok: false, cycle: findCycle([...pending].filter(([, n]) => n > 0).map(([id]) => id), dependsOn) };
}

/** Every node left by Kahn's algorithm has a dependency left too: walking them must revisit one. */
function findCycle(stuck: string[], dependsOn: Map<string, Set<string>>): string[] {
  const left = new Set(stuck);
  const path: string[] = [];
  const seenAt = new Map<string, number>();
  let cur = stuck[0]!;
  while (!seenAt.has(cur)) {
    seenAt.set(cur, path.length);
    path.push(cur);
    cur = [...dependsOn.get(cur)!].find((d) => left.has(d))!;
  }
  // Dependencies point backwards in time; name the loop in the order the work would flow.
  return path.slice(seenAt.get(cur)).reverse();
}

/** Tickets that depend on `ticketId`, directly or through others. */
export function dependantsOf(ticketId: string, nodes: { ticketId: string; dependsOn: string[] }[]): string[] {
  const found = new Set<string>();
  const queue = [ticketId];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const n of nodes) {
      if (n.dependsOn.includes(id) && !found.has(n.ticketId)) {
        found.add(n.ticketId);
        queue.push(n.ticketId);
      }
    }
  }
  return [...found];
}
