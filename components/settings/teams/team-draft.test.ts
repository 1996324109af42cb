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

  it('shows the time limits in minutes and stores them in seconds', () => {
    expect(newTeamDraft().budget).toMatchObject({ stageTimeLimitSeconds: '30', jobTimeLimitSeconds: '120', idleLimitSeconds: '10' });
    const budget = { ...newTeamDraft().budget, stageTimeLimitSeconds: '45', idleLimitSeconds: '0.5' };
    expect(parseTeamDraft({ ...newTeamDraft(), name: 'T', handle: 'tt', budget }, handles, null).fields?.budget).toMatchObject({
      stageTimeLimitSeconds: 2700,
      jobTimeLimitSeconds: 7200,
      idleLimitSeconds: 30,
    });
    const { errors } = parseTeamDraft({ ...newTeamDraft(), name: 'T', handle: 'tt', budget: { ...budget, jobTimeLimitSeconds: '' } }, handles, null);
    expect(errors['budget.jobTimeLimitSeconds']).toBe('The job time limit is a positive number of minutes.');
  });

  it('suggests a handle from the name', () => {
    expect(suggestHandle('Support Bot 2!')).toBe('support-bot-2');
  });
});
