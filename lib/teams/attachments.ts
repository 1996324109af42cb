// Keeping pipelines consistent with the skills and MCP servers their stages refer to: a
// deleted skill or server is detached everywhere (else the next save of the pipeline would
// be refused for a dangling id), and an MCP server's tools follow it when it is renamed.
import type { PipelineConfig, StageConfig } from './pipeline.ts';

const mcpToolPrefix = (serverName: string) => `mcp__${serverName}__`;

function mapStages(pipeline: PipelineConfig, change: (stage: StageConfig) => StageConfig): PipelineConfig | null {
  let changed = false;
  const steps = pipeline.steps.map((step) => ({
    ...step,
    stages: step.stages.map((stage) => {
      const next = change(stage);
      if (next !== stage) changed = true;
      return next;
    }),
  }));
  return changed ? { ...pipeline, steps } : null;
}

/** The pipeline without the skill, or null when no stage used it. */
export function detachSkill(pipeline: PipelineConfig, skillId: string): PipelineConfig | null {
  return mapStages(pipeline, (stage) => (stage.skillIds.includes(skillId) ? { ...stage, skillIds: stage.skillIds.filter((id) => id !== skillId) } : stage));
}

/** The pipeline without the MCP server and its tools, or null when no stage used it. */
export function detachMcpServer(pipeline: PipelineConfig, server: { id: string; name: string }): PipelineConfig | null {
  const prefix = mcpToolPrefix(server.name);
  return mapStages(pipeline, (stage) =>
    stage.mcpServerIds.includes(server.id) || stage.allowedTools.some((t) => t.startsWith(prefix))
      ? { ...stage, mcpServerIds: stage.mcpServerIds.filter((id) => id !== server.id), allowedTools: stage.allowedTools.filter((t) => !t.startsWith(prefix)) }
      : stage,
  );
}

/** Tool patterns of a renamed MCP server (mcp__old__x → mcp__new__x) in the stages it is attached to; null when none. */
export function renameMcpTools(pipeline: PipelineConfig, server: { id: string; oldName: string; newName: string }): PipelineConfig | null {
  if (server.oldName === server.newName) return null;
  const from = mcpToolPrefix(server.oldName);
  const to = mcpToolPrefix(server.newName);
  return mapStages(pipeline, (stage) =>
    stage.mcpServerIds.includes(server.id) && stage.allowedTools.some((t) => t.startsWith(from))
      ? { ...stage, allowedTools: stage.allowedTools.map((t) => (t.startsWith(from) ? to + t.slice(from.length) : t)) }
      : stage,
  );
}
