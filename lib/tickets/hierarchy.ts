import type { ticketTypes } from '../db/board-schema.ts';

export type TicketType = (typeof ticketTypes)[number];

const parentLevel: Record<TicketType, number> = { epic: 3, story: 2, task: 1, bug: 1 };

/** epic > story > task/bug: a parent must sit strictly higher. */
export function parentTypeProblem(childType: TicketType, parentType: TicketType): string | null {
  if (parentLevel[parentType] > parentLevel[childType]) return null;
  return `A ${childType} cannot be a child of a ${parentType}: epics hold stories, stories hold tasks and bugs.`;
}

/** True if making `parentId` the parent of `ticketId` would close a loop. */
export function createsParentCycle(
  ticketId: string,
  parentId: string,
  parentOf: (id: string) => string | null | undefined,
): boolean {
  const seen = new Set<string>();
  for (let cur: string | null | undefined = parentId; cur; cur = parentOf(cur)) {
    if (cur === ticketId || seen.has(cur)) return true;
    seen.add(cur);
  }
  return false;
}

/** The child type when none is named: one level below the parent (tasks and bugs hold tasks). */
export const defaultChildType: Record<TicketType, TicketType> = { epic: 'story', story: 'task', task: 'task', bug: 'task' };

type Placed = { id: string; projectId: string; type: TicketType };

/** Why `parent` cannot hold `child` (same project, a higher type, no loop), or null when it can. */
export function parentProblem(child: Placed, parent: Placed, parentOf: (id: string) => string | null | undefined): string | null {
  if (parent.projectId !== child.projectId) return 'A parent ticket must be in the same project.';
  const typeProblem = parentTypeProblem(child.type, parent.type);
  if (typeProblem) return typeProblem;
  if (createsParentCycle(child.id, parent.id, parentOf)) return 'That parent would make the ticket its own ancestor.';
  return null;
}
