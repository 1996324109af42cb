import { describe, expect, it } from 'vitest';
import { detachMcpServer, detachSkill, renameMcpTools } from './attachments.ts';
import { presets } from './presets.ts';

function pipelineWith(attach: { skillIds?: string[]; mcpServerIds?: string[]; allowedTools?: string[] }) {
  const pipeline = presets.code_runner.pipeline();
  pipeline.steps[1].stages[0] = { ...pipeline.steps[1].stages[0], ...attach };
  return pipeline;
}

describe('pipeline attachments', () => {
  it('detaches a deleted skill from every stage and reports no change when none used it', () => {
    const pipeline = pipelineWith({ skillIds: ['s1', 's2'] });
    expect(detachSkill(pipeline, 's1')?.steps[1].stages[0].skillIds).toEqual(['s2']);
    expect(detachSkill(pipeline, 'unused')).toBeNull();
  });

  it('detaches a deleted MCP server together with its tools', () => {
    const pipeline = pipelineWith({ mcpServerIds: ['m1'], allowedTools: ['Read', 'mcp__sentry__*', 'mcp__docs__search'] });
    const stage = detachMcpServer(pipeline, { id: 'm1', name: 'sentry' })?.steps[1].stages[0];
    expect(stage).toMatchObject({ mcpServerIds: [], allowedTools: ['Read', 'mcp__docs__search'] });
    expect(detachMcpServer(pipeline, { id: 'm9', name: 'other' })).toBeNull();
  });

  it('renames the tools of a renamed MCP server in the stages it is attached to', () => {
    const pipeline = pipelineWith({ mcpServerIds: ['m1'], allowedTools: ['Read', 'mcp__sentry__search_issues'] });
    expect(renameMcpTools(pipeline, { id: 'm1', oldName: 'sentry', newName: 'errors' })?.steps[1].stages[0].allowedTools).toEqual([
      'Read',
      'mcp__errors__search_issues',
    ]);
    expect(renameMcpTools(pipeline, { id: 'm1', oldName: 'sentry', newName: 'sentry' })).toBeNull();
  });
});
