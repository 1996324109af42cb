// A streaming agent sends most of its events as text deltas (a few words each), and every stored
// event is a row zero-cache replicates to each page watching the job. A batch's new deltas are
// therefore stored as few rows: those of a message whose whole `text` is in the same batch are
// not stored at all (the `text` repeats them; compaction drops deltas later anyway), and a run of
// one message's consecutive deltas becomes one delta under the run's last sequence number. The
// job's numbering then has holes, which its readers allow (lib/jobs/feed-window.ts). A resent
// delta must not fill a hole in: one at or before the last stored number was stored, merged into
// a later row, or made needless by its text, so it is not stored again.
import { readJobEvent } from '@spedy/protocol/job-events';
import type { JobEventInput } from '@spedy/protocol/wire';

type Delta = { stage: string | null; message: string; text: string };

const deltaOf = (event: JobEventInput): Delta | null => (event.type === 'text_delta' ? readJobEvent('text_delta', event.payload) : null);

/**
 * The events of a batch as they are stored. Deltas after `storedUpTo` (the job's last stored
 * sequence number) are merged, those at or before it dropped; every other event keeps its own
 * sequence number, so a resent one is stored once, as it was, and a late one is still stored.
 */
export function coalesceTextDeltas(events: readonly JobEventInput[], storedUpTo: number): JobEventInput[] {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const completed = new Set<string>();
  for (const event of sorted) {
    if (event.seq <= storedUpTo || event.type !== 'text') continue;
    const text = readJobEvent('text', event.payload);
    if (text?.message) completed.add(`${text.stage}\n${text.message}`);
  }
  const out: JobEventInput[] = [];
  let run: { event: JobEventInput; delta: Delta } | null = null;
  for (const event of sorted) {
    if (event.seq <= storedUpTo && event.type === 'text_delta') continue;
    const delta = deltaOf(event);
    if (!delta) {
      run = null;
      out.push(event);
      continue;
    }
    if (completed.has(`${delta.stage}\n${delta.message}`)) continue;
    if (run && run.delta.stage === delta.stage && run.delta.message === delta.message) {
      run.delta = { ...run.delta, text: run.delta.text + delta.text };
      run.event = { ...event, payload: { ...run.event.payload, text: run.delta.text } };
      out[out.length - 1] = run.event;
      continue;
    }
    run = { event, delta };
    out.push(event);
  }
  return out;
}
