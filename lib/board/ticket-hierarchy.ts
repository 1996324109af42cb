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
