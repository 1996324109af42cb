import { describe, expect, it } from 'vitest';
import type { Handle } from '@/zero/schema.gen';
import { handleConflict, newTeamDraft, parseTeamDraft, suggestHandle } from './team-draft';

const handles: Handle[] = [
  { id: 'h1', organizationId: 'o', handle: 'ada', userId: 'u1', teamId: null },
  { id: 't1', organizationId: 'o', handle: 'coders', userId: null, teamId: 't1' },
];

describe('team form', () => {
  it('turns a filled draft into the mutator fields (empty limits are none)', () => {
    const { fields, errors } = parseTeamDraft({ ...newTeamDraft(), name: ' Helpers ', handle: 'helper' }, handles, null);
    expect(errors).toEqual({});
    expect(fields).toMatchObject({
      name: 'Helpers',
      handle: 'helper',
      workingStatus: 'AI Processing',
      completionStatus: 'In Review',
      failureStatus: 'Todo',
      budget: { maxCostUsd: 10, maxTurns: 200, warningThresholdPercent: 80, maxInputTokens: null, maxOutputTokens: null },
    });
  });

  it('says who holds a handle: a member, another team, or nobody (its own)', () => {
    expect(handleConflict('ada', handles, null)).toBe('@ada is already taken by a member.');
    expect(handleConflict('Coders', handles, null)).toBe('@coders is already taken by another team.');
    expect(handleConflict('coders', handles, 't1')).toBeNull();
  });

  it('reports each problem on its field', () => {
    const draft = { ...newTeamDraft(), name: '', handle: 'x', requiredLabels: ['Not Valid'], budget: { ...newTeamDraft().budget, maxTurns: '2.5', warningThresholdPercent: '120' } };
    const { fields, errors } = parseTeamDraft(draft, handles, null);
    expect(fields).toBeNull();
    expect(errors).toMatchObject({
      name: 'Name the team.',
      handle: expect.stringContaining('Handles are 2–39'),
      requiredLabels: expect.stringContaining('lowercase words'),
      'budget.maxTurns': 'Max turns must be a positive whole number, or empty for no limit.',
      'budget.warningThresholdPercent': 'Enter a percentage between 1 and 100.',
    });
  });

  it('suggests a handle from the name', () => {
    expect(suggestHandle('Support Bot 2!')).toBe('support-bot-2');
  });
});
