import { describe, expect, it } from 'vitest';
import type { JobControlMessage, RunnerMessage } from '@spedy/protocol/wire';
import { createControlReceiver } from './controls.ts';

function receiver(open: { value: boolean }) {
  const applied: JobControlMessage[] = [];
  const sent: RunnerMessage[] = [];
  const controls = createControlReceiver({
    socket: { send: (message) => (open.value ? (sent.push(message), true) : false) },
    apply: (message) => applied.push(message),
  });
  return { controls, applied, sent };
}

const input: JobControlMessage = { type: 'control', jobId: 'j1', action: 'input', text: 'yes', controlId: 'c1' };

describe('the control receiver', () => {
  it('applies each control id once and acknowledges every delivery over the socket', () => {
    const { controls, applied, sent } = receiver({ value: true });
    controls.receive(input);
    controls.receive(input);
    controls.receive({ ...input, action: 'stop', text: undefined, controlId: 'c2' });
    expect(applied.map((m) => m.controlId)).toEqual(['c1', 'c2']);
    expect(sent).toEqual([
      { type: 'control-ack', controlIds: ['c1'] },
      { type: 'control-ack', controlIds: ['c1'] },
      { type: 'control-ack', controlIds: ['c2'] },
    ]);
    expect(controls.takeUnsent()).toEqual([]);
  });

  it('keeps acknowledgements the socket could not carry for the heartbeat, and again after a failed one', () => {
    const open = { value: false };
    const { controls, applied } = receiver(open);
    controls.receive(input);
    controls.receive(input);
    expect(applied).toHaveLength(1);
    const acks = controls.takeUnsent();
    expect(acks).toEqual(['c1']);
    expect(controls.takeUnsent()).toEqual([]);
    controls.unsent(acks);
    expect(controls.takeUnsent()).toEqual(['c1']);
  });

  it('applies a control without an id (an older platform) every time', () => {
    const { controls, applied, sent } = receiver({ value: true });
    controls.receive({ type: 'control', jobId: 'j1', action: 'stop' });
    controls.receive({ type: 'control', jobId: 'j1', action: 'stop' });
    expect(applied).toHaveLength(2);
    expect(sent).toEqual([]);
  });
});
