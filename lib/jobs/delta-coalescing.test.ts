import { describe, expect, it } from 'vitest';
import type { JobEventInput } from '@spedy/protocol/wire';
import { coalesceTextDeltas } from './delta-coalescing.ts';
import { toFeedItems } from './event-feed.ts';

let seq = 0;
const at = (n: number) => 1_700_000_000_000 + n;
const delta = (message: string, text: string, stage = 'code'): JobEventInput => ({ seq: ++seq, type: 'text_delta', payload: { stage, message, text }, at: at(seq) });
const whole = (message: string, text: string): JobEventInput => ({ seq: ++seq, type: 'text', payload: { stage: 'code', message, text }, at: at(seq) });
const call = (): JobEventInput => ({ seq: ++seq, type: 'tool_call', payload: { stage: 'code', id: `tu${seq}`, name: 'Bash', input: { command: 'ls' } }, at: at(seq) });
const brief = (events: JobEventInput[]) => events.map((e) => [e.seq, e.type, (e.payload as { text?: string }).text ?? null]);

describe('a batch’s text deltas as they are stored', () => {
  it('stores a run of one message’s deltas as one delta under the run’s last sequence number', () => {
    seq = 0;
    const batch = [delta('m1', 'Hel'), delta('m1', 'lo '), delta('m1', 'there'), call(), delta('m1', '!'), delta('m2', 'Next')];
    const stored = coalesceTextDeltas(batch, 0);
    expect(brief(stored)).toEqual([
      [3, 'text_delta', 'Hello there'],
      [4, 'tool_call', null],
      [5, 'text_delta', '!'],
      [6, 'text_delta', 'Next'],
    ]);
    expect(stored[0]).toMatchObject({ at: at(3), payload: { stage: 'code', message: 'm1' } });
    // The feed reads the stored rows as it read the deltas one by one.
    const rows = (events: JobEventInput[]) => events.map(({ seq, type, payload }) => ({ seq, type, payload }));
    expect(toFeedItems(rows(stored)).map((i) => (i.kind === 'text' ? i.text : i.kind))).toEqual(toFeedItems(rows(batch)).map((i) => (i.kind === 'text' ? i.text : i.kind)));
  });

  it('does not store the deltas of a message whose whole text is in the batch', () => {
    seq = 0;
    const batch = [delta('m1', 'Hi '), delta('m1', 'all'), whole('m1', 'Hi all'), delta('m2', 'More'), delta('m1', 'late piece', 'review')];
    expect(brief(coalesceTextDeltas(batch, 0))).toEqual([
      [3, 'text', 'Hi all'],
      [4, 'text_delta', 'More'],
      // Another stage's message of the same id is another message.
      [5, 'text_delta', 'late piece'],
    ]);
  });

  it('never fills a hole with a resent delta; other resent or late events keep their numbers (stored once, as they were)', () => {
    seq = 0;
    const batch = [delta('m1', 'a'), call(), delta('m1', 'b'), delta('m1', 'c'), delta('m1', 'd')];
    const first = coalesceTextDeltas(batch, 0);
    expect(brief(first)).toEqual([
      [1, 'text_delta', 'a'],
      [2, 'tool_call', null],
      [5, 'text_delta', 'bcd'],
    ]);
    // The acknowledgement was lost: the same batch again stores nothing new (the insert skips seqs 1, 2 and 5).
    expect(brief(coalesceTextDeltas(batch, 5))).toEqual([[2, 'tool_call', null]]);
    expect(brief(coalesceTextDeltas([...batch, whole('m1', 'abcd')], 5))).toEqual([
      [2, 'tool_call', null],
      [6, 'text', 'abcd'],
    ]);
    // Out of order in the request, in order when stored; other types pass untouched.
    expect(coalesceTextDeltas([batch[4]!, batch[1]!, batch[3]!], 1).map((e) => e.seq)).toEqual([2, 5]);
    expect(coalesceTextDeltas([call()], 0)).toHaveLength(1);
  });
});
