import { describe, expect, it } from 'vitest';
import type { JobEventRow } from './event-feed.ts';
import { heldRows, keepWhileFollowing, liveWindow, noEvents, oldestHeldSeq, withGapPage, withLive, withOlderPage } from './feed-window.ts';

const rows = (from: number, to: number): JobEventRow[] => Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, type: 'text', payload: { text: String(from + i) } }));
const seqs = (list: readonly JobEventRow[]) => list.map((r) => r.seq);
/** The live query's answer: its newest `liveWindow` rows, newest first (as ZQL returns them). */
const window = (last: number) => rows(Math.max(1, last - liveWindow + 1), last).reverse();

describe('the events the job page holds', () => {
  it('holds a short job whole, in order, and knows it has its start', () => {
    const held = withLive(noEvents, rows(1, 5).reverse(), true);
    expect(seqs(heldRows(held))).toEqual([1, 2, 3, 4, 5]);
    expect(held.startReached).toBe(true);
    // Rows the client had before the server's answer say nothing about the start.
    const early = withLive(noEvents, rows(2995, 3000).reverse(), true, false);
    expect(early.startReached).toBe(false);
    expect(withLive(early, window(3000), true).startReached).toBe(false);
  });

  it('keeps what slides out of the live window while the person reads back, and cuts it while they follow', () => {
    let held = withLive(noEvents, window(1000), false);
    expect(held.startReached).toBe(false);
    for (let last = 1100; last <= 1000 + keepWhileFollowing * 2; last += 100) held = withLive(held, window(last), false);
    expect(heldRows(held)).toHaveLength(300 + keepWhileFollowing * 2);
    expect(heldRows(held)[0]!.seq).toBe(701);
    expect(held.gap).toBeNull();

    held = withLive(held, window(1000 + keepWhileFollowing * 2 + 1), true);
    const kept = heldRows(held);
    expect(kept).toHaveLength(keepWhileFollowing);
    expect(kept.at(-1)!.seq).toBe(1000 + keepWhileFollowing * 2 + 1);
    expect(held.startReached).toBe(false);
    expect(seqs(kept)).toEqual([...seqs(kept)].sort((a, b) => a - b));
  });

  it('reads the events the live window skipped while the person reads back, and forgets them while they follow', () => {
    let held = withLive(noEvents, window(1000), false);
    held = withLive(held, window(2000), false);
    expect(held.gap).toEqual({ after: 1000, before: 1701 });
    // Another skip before the first is filled: one hole from the first to the last.
    held = withLive(held, window(2500), false);
    expect(held.gap).toEqual({ after: 1000, before: 2201 });
    held = withGapPage(held, rows(1701, 2200).reverse(), 500);
    expect(held.gap).toEqual({ after: 1000, before: 1701 });
    held = withGapPage(held, rows(1201, 1700), 500);
    expect(held.gap).toEqual({ after: 1000, before: 1201 });
    held = withGapPage(held, rows(701, 1200), 500);
    expect(held.gap).toBeNull();
    expect(seqs(heldRows(held))).toEqual(seqs(rows(701, 2500)));

    const following = withLive(withLive(withLive(noEvents, window(1000), true), window(1100), true), window(3000), true);
    expect(following.gap).toBeNull();
    expect(seqs(heldRows(following))).toEqual(seqs(window(3000)).reverse());
    expect(following.startReached).toBe(false);
  });

  it('pages in older events before the oldest held one until a short page reaches the start', () => {
    let held = withLive(noEvents, window(450), false);
    expect(oldestHeldSeq(held)).toBe(151);
    held = withOlderPage(held, rows(51, 150).reverse(), 100);
    expect(held.startReached).toBe(false);
    expect(oldestHeldSeq(held)).toBe(51);
    held = withOlderPage(held, rows(1, 50), 100);
    expect(held.startReached).toBe(true);
    expect(seqs(heldRows(held))).toEqual(seqs(rows(1, 450)));
    // New live events keep coming in below what was paged in.
    held = withLive(held, window(451), false);
    expect(seqs(heldRows(held))).toEqual(seqs(rows(1, 451)));
  });
});
