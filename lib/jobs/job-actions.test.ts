import { describe, expect, it } from 'vitest';
import { budgetOverrideSummary } from './budget-rules.ts';
import { jobActionKinds, jobActionSentence, respondActionKind } from './job-actions.ts';

describe('jobActionSentence', () => {
  it('says who did what, with what they wrote', () => {
    expect(jobActionSentence('Dana', 'approved')).toBe('Dana approved the plan');
    expect(jobActionSentence('Dana', 'approved', 'Keep it short')).toBe('Dana approved the plan: “Keep it short”');
    expect(jobActionSentence('Sam', 'stopped')).toBe('Sam stopped the job');
    expect(jobActionSentence('Sam', 'requested_changes', 'Add a test')).toBe('Sam asked for changes to the plan: “Add a test”');
    expect(jobActionSentence(' ', 'cancelled')).toBe('Someone ended the job');
    expect(jobActionSentence('Ann', 'set_budget', budgetOverrideSummary({ maxCostUsd: 12, maxTurns: null }))).toBe('Ann set the job’s budget: cost $12.00, turns no limit');
  });

  it('records every respond action as a known kind, and reads an unknown kind without failing', () => {
    for (const kind of Object.values(respondActionKind)) expect(jobActionKinds).toContain(kind);
    expect(jobActionSentence('Ann', 'toString')).toBe('Ann acted on the job');
  });
});
