import { describe, expect, it } from 'vitest';
import { jobSnapshot } from '@spedy/protocol/wire';
import { defaultBudget } from './pipeline.ts';
import { presets } from './presets.ts';
import { buildJobSnapshot } from './snapshot.ts';

const team = {
  id: 't1',
  name: 'Coders',
  workingStatus: 'AI Processing',
  completionStatus: 'In Review',
  failureStatus: 'Todo',
  budget: defaultBudget,
  pipeline: presets.code_runner.pipeline(),
  allowedHosts: ['registry.npmjs.org:443'],
};

describe('job snapshot', () => {
  it('resolves skills and MCP servers, drops disabled stages, and validates as wire data', () => {
    team.pipeline.steps[0].stages[0].skillIds = ['s1', 'gone'];
    team.pipeline.steps[1].stages[0].mcpServerIds = ['m1'];
    team.pipeline.steps[2].stages[0].enabled = false;
    const snapshot = buildJobSnapshot({
      team,
      skills: [{ id: 's1', slug: 'style', description: 'House style', body: '# Style' }],
      mcpServers: [{ id: 'm1', name: 'docs', transport: 'http', url: 'http://docs', command: null, args: [], allowedTools: [] }],
      repositories: [{ provider: 'github', fullName: 'acme/web', name: 'web', cloneUrl: 'https://x/acme/web.git', baseBranch: 'develop', setupCommands: ['pip install -r requirements.txt'] }],
      ticket: { id: 'k1', displayId: 'SPD-1', title: 'Do it', description: '', type: 'task' },
      trigger: { kind: 'status' },
    });
    expect(jobSnapshot.parse(snapshot)).toBeTruthy();
    expect(snapshot.pipeline.steps).toHaveLength(2);
    expect(snapshot.pipeline.steps[0].stages[0].skills).toEqual([{ slug: 'style', description: 'House style', body: '# Style' }]);
    expect(snapshot.pipeline.steps[1].stages[0].mcpServers[0].name).toBe('docs');
    expect(snapshot.repositories[0].baseBranch).toBe('develop');
    expect(snapshot.repositories[0].setupCommands).toEqual(['pip install -r requirements.txt']);
  });

  it('is a copy: editing the team afterwards does not change it', () => {
    const snapshot = buildJobSnapshot({ team, skills: [], mcpServers: [], repositories: [], ticket: null, trigger: { kind: 'manual' } });
    team.pipeline.steps[0].stages[0].name = 'Renamed';
    team.budget.maxTurns = 1;
    team.allowedHosts.push('example.com:443');
    expect(snapshot.allowedHosts).toEqual(['registry.npmjs.org:443']);
    expect(snapshot.pipeline.steps[0].stages[0].name).toBe('Planner');
    expect(snapshot.budget.maxTurns).toBe(200);
  });
});

describe('job snapshot time limits', () => {
  it("carries the team's stage, job and idle limits; a team saved before they existed gets the defaults on the runner", () => {
    const limited = { ...team, budget: { ...defaultBudget, stageTimeLimitSeconds: 600, jobTimeLimitSeconds: 3600, idleLimitSeconds: 120 } };
    const snapshot = buildJobSnapshot({ team: limited, skills: [], mcpServers: [], repositories: [], ticket: null, trigger: { kind: 'manual' } });
    expect(jobSnapshot.parse(snapshot).budget).toMatchObject({ stageTimeLimitSeconds: 600, jobTimeLimitSeconds: 3600, idleLimitSeconds: 120 });

    const { stageTimeLimitSeconds: _s, jobTimeLimitSeconds: _j, idleLimitSeconds: _i, ...older } = defaultBudget;
    const before = buildJobSnapshot({ team: { ...team, budget: older as typeof defaultBudget }, skills: [], mcpServers: [], repositories: [], ticket: null, trigger: { kind: 'manual' } });
    expect(jobSnapshot.parse(before).budget).toMatchObject({ stageTimeLimitSeconds: 1800, jobTimeLimitSeconds: 7200, idleLimitSeconds: 600 });
  });
});
