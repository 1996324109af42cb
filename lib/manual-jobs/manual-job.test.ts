import { describe, expect, it } from 'vitest';
import { manualJobInput, manualJobSnapshot } from './manual-job.ts';
import type { TicketByDisplayId } from '../tickets/lookup.ts';

const ticket = (aiBudget: TicketByDisplayId['aiBudget']): TicketByDisplayId => ({
  id: 't1',
  projectId: 'p1',
  displayId: 'SPD-1',
  title: 'Fix it',
  type: 'task',
  description: '',
  aiBudget,
});
const input = (extra: Record<string, unknown> = {}) => manualJobInput.parse({ title: 'By hand', instructions: 'Do it.', type: 'batch', ...extra });

describe('a manual job’s budget', () => {
  it('takes its ticket’s AI budget when the person gave no cost limit', () => {
    const snapshot = manualJobSnapshot(input(), ticket({ maxCostUsd: 3, maxTurns: 20 }));
    expect(snapshot.budget).toMatchObject({ maxCostUsd: 3, maxTurns: 20, maxInputTokens: null, maxOutputTokens: null, warningThresholdPercent: 80 });
    expect(snapshot.ticket).toEqual({ id: 't1', displayId: 'SPD-1', title: 'Fix it', type: 'task', description: '' });
  });

  it('keeps the cost limit the person typed for this job, and the ticket’s other limits', () => {
    expect(manualJobSnapshot(input({ maxCostUsd: 1.25 }), ticket({ maxCostUsd: 3, maxTurns: 20 })).budget).toMatchObject({ maxCostUsd: 1.25, maxTurns: 20 });
  });

  it('has no limits without a ticket budget or a typed one', () => {
    expect(manualJobSnapshot(input(), ticket(null)).budget).toMatchObject({ maxCostUsd: null, maxTurns: null });
    expect(manualJobSnapshot(input(), null).budget).toMatchObject({ maxCostUsd: null, maxTurns: null });
  });
});
