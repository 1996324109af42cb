import { describe, expect, it } from 'vitest';
import { pipelineConfig } from './pipeline.ts';
import { presetIds, presets } from './presets.ts';

describe('team presets', () => {
  it.each(presetIds)('%s is a valid pipeline', (id) => {
    expect(pipelineConfig.safeParse(presets[id].pipeline()).success).toBe(true);
  });
  it('Code Runner plans read-only with Opus, then implements and reviews with Sonnet', () => {
    const stages = presets.code_runner.pipeline().steps.map((s) => s.stages[0]);
    expect(stages.map((s) => [s.name, s.model, s.role])).toEqual([
      ['Planner', 'claude-opus-4-7', 'planner'],
      ['Implement', 'claude-sonnet-4-6', 'executor'],
      ['Review', 'claude-sonnet-4-6', 'executor'],
    ]);
    expect(stages[0].allowedTools).not.toContain('Edit');
  });
  it('Review Team and Full-Stack Team start with two stages in parallel', () => {
    expect(presets.review_team.pipeline().steps[0].stages).toHaveLength(2);
    expect(presets.full_stack.pipeline().steps[0].stages.map((s) => s.name)).toEqual(['Backend', 'Frontend']);
  });
  it('refuses a dangerous validation command with the pattern named', () => {
    const pipeline = presets.code_runner.pipeline();
    pipeline.steps[1].stages[0].validationCommands = ['npm test && rm -rf /'];
    const parsed = pipelineConfig.safeParse(pipeline);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].message).toContain('contains "&&"');
  });
});
