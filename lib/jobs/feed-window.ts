// Which of a job's events the job page holds. The live query (zero/queries/runners.ts: jobFeed)
// keeps only the newest `liveWindow` events, so a job of 50,000 events costs the browser and
// zero-cache no more than a short one. What slides out of it is kept while the person reads
// back (not following the bottom), and older pages are read on demand as they scroll up;
// while they follow the newest, the page holds at most `keepWhileFollowing` events.
import type { JobEventRow } from './event-feed.ts';

/** How many of a job's newest events the live query holds. */
export const liveWindow = 300;
/** How many events a page read on scrolling back holds. */
export const olderPageSize = 200;
/** At most this many events stay held while the person follows the newest. */
export const keepWhileFollowing = 1500;

export type HeldEvents = {
  /** Rows older than the live window (slid out of it, or paged in), ascending by seq. */
  older: JobEventRow[];
  /** The live query's rows, ascending by seq. */
  live: JobEventRow[];
  /** Nothing older than `older[0]` exists (a page came back short, or the job fits in the window). */
  startReached: boolean;
  /**
   * Events the live window skipped (it moved past them between two updates) while the person
   * reads back: seqs after `after` and before `before` are to be read (a runner numbers a job's
   * events 1, 2, 3…, so a hole may be a skip; it may also be text deltas stored as one row
   * (delta-coalescing.ts), which the gap's read then finds and closes it).
   */
  gap: { after: number; before: number } | null;
};

export const noEvents: HeldEvents = { older: [], live: [], startReached: false, gap: null };

const ascending = (rows: readonly JobEventRow[]) => [...rows].sort((a, b) => a.seq - b.seq);

/** Rows of both lists, each seq once (b's row wins), ascending. */
function union(a: readonly JobEventRow[], b: readonly JobEventRow[]): JobEventRow[] {
  const bySeq = new Map<number, JobEventRow>();
  for (const row of a) bySeq.set(row.seq, row);
  for (const row of b) bySeq.set(row.seq, row);
  return ascending([...bySeq.values()]);
}

/**
 * The live query's new rows (`complete` once the server answered in full). Rows that left the window (older than its oldest row now) move to
 * `older`; while following, `older` is cut to what `keepWhileFollowing` allows.
 */
export function withLive(held: HeldEvents, rows: readonly JobEventRow[], following: boolean, complete = true): HeldEvents {
  const live = ascending(rows);
  const from = live[0]?.seq ?? Number.POSITIVE_INFINITY;
  const slid = held.live.filter((row) => row.seq < from);
  let older = slid.length > 0 ? union(held.older, slid) : held.older;
  // Only the server's complete answer tells a short job from rows still on their way.
  let startReached = held.startReached || (complete && older.length === 0 && live.length < liveWindow);
  let gap = held.gap;
  const lastSeen = held.live.at(-1)?.seq;
  if (lastSeen !== undefined && from > lastSeen + 1 && from !== Number.POSITIVE_INFINITY) {
    gap = { after: Math.min(gap?.after ?? lastSeen, lastSeen), before: Math.max(gap?.before ?? from, from) };
  }
  if (following && gap) {
    // Nobody reads there now: what is older than the hole is read again on scrolling back.
    older = older.filter((row) => row.seq > gap!.before);
    gap = null;
    startReached = false;
  }
  const room = Math.max(0, keepWhileFollowing - live.length);
  if (following && older.length > room) {
    older = older.slice(older.length - room);
    startReached = false;
  }
  return { older, live, startReached, gap };
}

/** A page of rows read before the oldest held one; a short page means the job's start is reached. */
export function withOlderPage(held: HeldEvents, page: readonly JobEventRow[], asked: number): HeldEvents {
  return { ...held, older: union(page, held.older), startReached: page.length < asked };
}

/** The newest rows before `held.gap.before`, read to fill it; what they do not reach stays a gap. */
export function withGapPage(held: HeldEvents, page: readonly JobEventRow[], asked: number): HeldEvents {
  if (!held.gap) return held;
  const { after, before } = held.gap;
  const filling = page.filter((row) => row.seq > after && row.seq < before);
  const reached = Math.min(before, ...filling.map((row) => row.seq));
  const closed = page.length < asked || reached <= after + 1 || filling.length < page.length;
  return { ...held, older: union(held.older, filling), gap: closed ? null : { after, before: reached } };
}

/** Every held row, ascending, each seq once. */
export function heldRows(held: HeldEvents): JobEventRow[] {
  const from = held.live[0]?.seq ?? Number.POSITIVE_INFINITY;
  const older = held.older.filter((row) => row.seq < from);
  return older.length === 0 ? held.live : [...older, ...held.live];
}

/** The seq to read the next older page before. */
export function oldestHeldSeq(held: HeldEvents): number | null {
  return held.older[0]?.seq ?? held.live[0]?.seq ?? null;
}
