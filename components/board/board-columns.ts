import { compareRank, rankBetween } from '@/lib/tickets/rank';

type Ranked = { id: string; statusId: string; rank: string };

/** A drop the synced rows do not show yet; the board draws the ticket here until the server has answered. */
export type Placement = { statusId: string; rank: string; seq: number };

/** Where a dragged ticket lands: a column, and its index among that column's tickets other than itself. */
export type DropSlot = { statusId: string; index: number };

/** One list per status (in the given order), each sorted by rank, with pending placements applied. */
export function groupByStatus<T extends Ranked>(
  statusIds: readonly string[],
  tickets: readonly T[],
  placements: ReadonlyMap<string, Placement>,
): Map<string, T[]> {
  const columns = new Map<string, T[]>(statusIds.map((id) => [id, []]));
  for (const ticket of tickets) {
    const placed = placements.get(ticket.id);
    const shown: T = placed ? { ...ticket, statusId: placed.statusId, rank: placed.rank } : ticket;
    columns.get(shown.statusId)?.push(shown);
  }
  for (const column of columns.values()) column.sort(compareRank);
  return columns;
}

/**
 * The slot for dropping `activeID` on `column` (its tickets in rank order): over a card
 * (`overID`) or over the column's empty space (`overID` null, meaning "at the end").
 * Within the ticket's own column this follows dnd-kit sortable (take the hovered card's
 * index); from another column it goes before the hovered card, or after it when `below`.
 */
export function dropSlot(
  column: readonly { id: string }[],
  statusId: string,
  activeID: string,
  overID: string | null,
  below: boolean,
): DropSlot {
  const activeIndex = column.findIndex((t) => t.id === activeID);
  const othersCount = column.length - (activeIndex >= 0 ? 1 : 0);
  const overIndex = overID == null ? -1 : column.findIndex((t) => t.id === overID);
  if (overIndex < 0) return { statusId, index: othersCount };
  if (activeIndex >= 0) return { statusId, index: overIndex };
  return { statusId, index: overIndex + (below ? 1 : 0) };
}

/** The ticket that will sit right after the dropped one (null: it lands last). */
export function ticketAfterSlot<T extends { id: string }>(column: readonly T[], activeID: string, index: number): T | null {
  const activeIndex = column.findIndex((t) => t.id === activeID);
  return column[activeIndex >= 0 && activeIndex <= index ? index + 1 : index] ?? null;
}

/** The rank that puts `ticket` at `slot` of `column` (the destination, in rank order); null when nothing moves. */
export function rankForDrop(column: readonly Ranked[], ticket: { id: string; statusId: string }, slot: DropSlot): string | null {
  const activeIndex = column.findIndex((t) => t.id === ticket.id);
  if (ticket.statusId === slot.statusId && activeIndex === slot.index) return null;
  const others = activeIndex >= 0 ? column.filter((t) => t.id !== ticket.id) : column;
  return rankBetween(others[slot.index - 1]?.rank, others[slot.index]?.rank);
}

/** A rank above every ticket of the status: new tickets start at the top of their column. */
export function rankAtTop(tickets: readonly Ranked[], statusId: string): string {
  let first: Ranked | undefined;
  for (const t of tickets) {
    if (t.statusId === statusId && (!first || compareRank(t, first) < 0)) first = t;
  }
  return rankBetween(null, first?.rank);
}
