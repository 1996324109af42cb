import { describe, expect, it } from 'vitest';
import { rankBetween } from '@/lib/tickets/rank';
import { dropSlot, groupByStatus, rankAtTop, rankForDrop, ticketAfterSlot } from './board-columns';

const t = (id: string, statusId: string, rank: string) => ({ id, statusId, rank });
const order = (column: { id: string; rank: string; statusId: string }[], moved: { id: string; statusId: string }, rank: string) =>
  [...column.filter((c) => c.id !== moved.id), { ...moved, rank }].sort((a, b) => (a.rank < b.rank ? -1 : 1)).map((c) => c.id);

describe('groupByStatus', () => {
  it('sorts each column by rank and shows a pending drop in its new column', () => {
    const columns = groupByStatus(['todo', 'done'], [t('b', 'todo', 'a2'), t('a', 'todo', 'a1'), t('c', 'done', 'a0')], new Map([['c', { statusId: 'todo', rank: 'a1V', seq: 1 }]]));
    expect(columns.get('todo')?.map((x) => x.id)).toEqual(['a', 'c', 'b']);
    expect(columns.get('done')).toEqual([]);
  });

  it('keeps an empty list for a column without tickets', () => {
    expect(groupByStatus(['todo'], [], new Map()).get('todo')).toEqual([]);
  });
});

describe('dropping a ticket', () => {
  const todo = [t('a', 'todo', 'a1'), t('b', 'todo', 'a2'), t('c', 'todo', 'a3')];

  it('moves a card down its own column to the hovered card, like dnd-kit sortable', () => {
    const slot = dropSlot(todo, 'todo', 'a', 'c', false);
    const rank = rankForDrop(todo, todo[0], slot);
    expect(rank).not.toBeNull();
    expect(order(todo, todo[0], rank!)).toEqual(['b', 'c', 'a']);
  });

  it('moves a card up its own column', () => {
    const slot = dropSlot(todo, 'todo', 'c', 'a', false);
    expect(order(todo, todo[2], rankForDrop(todo, todo[2], slot)!)).toEqual(['c', 'a', 'b']);
  });

  it('does nothing when a card is dropped on itself', () => {
    expect(rankForDrop(todo, todo[1], dropSlot(todo, 'todo', 'b', 'b', false))).toBeNull();
  });

  it('puts a card from another column before or after the hovered card', () => {
    const moved = t('x', 'done', 'a0');
    const before = dropSlot(todo, 'todo', 'x', 'b', false);
    expect(order(todo, moved, rankForDrop(todo, moved, before)!)).toEqual(['a', 'x', 'b', 'c']);
    expect(ticketAfterSlot(todo, 'x', before.index)?.id).toBe('b');
    const after = dropSlot(todo, 'todo', 'x', 'c', true);
    expect(order(todo, moved, rankForDrop(todo, moved, after)!)).toEqual(['a', 'b', 'c', 'x']);
    expect(ticketAfterSlot(todo, 'x', after.index)).toBeNull();
  });

  it('appends when dropped on the empty part of a column, and accepts an empty column', () => {
    const moved = t('x', 'done', 'a0');
    expect(order(todo, moved, rankForDrop(todo, moved, dropSlot(todo, 'todo', 'x', null, false))!)).toEqual(['a', 'b', 'c', 'x']);
    expect(rankForDrop([], moved, dropSlot([], 'empty', 'x', null, false))).toEqual(expect.any(String));
  });

  it('moves a card to the end of its own column when dropped below the last card', () => {
    const slot = dropSlot(todo, 'todo', 'a', null, false);
    expect(order(todo, todo[0], rankForDrop(todo, todo[0], slot)!)).toEqual(['b', 'c', 'a']);
    expect(rankForDrop(todo, todo[2], dropSlot(todo, 'todo', 'c', null, false))).toBeNull();
  });
});

describe('rankAtTop', () => {
  it('ranks a new ticket above the first ticket of its column only', () => {
    const tickets = [t('b', 'todo', 'a2'), t('a', 'todo', 'a1'), t('z', 'done', 'Zz')];
    expect(rankAtTop(tickets, 'todo')).toBe(rankBetween(null, 'a1'));
    expect(rankAtTop(tickets, 'empty')).toBe(rankBetween(null, null));
  });
});
