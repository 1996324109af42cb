// What a job carries from the moment it is created: the team's pipeline with its
// skills and MCP servers resolved, the budget, the project's repositories and the hosts
// the team allows its containers to reach.
// Editing the team later does not change jobs already created.
import type { JobSnapshot } from '@spedy/protocol/wire';
import type { BudgetConfig, PipelineConfig } from './pipeline.ts';

export type TeamForSnapshot = {
  id: string;
  name: string;
  workingStatus: string;
  completionStatus: string;
  failureStatus: string;
  budget: BudgetConfig;
  pipeline: PipelineConfig;
  /** host:port entries the job's containers may reach through the supervisor's egress proxy. */
  allowedHosts: string[];
};
export type SkillForSnapshot = { id: string; slug: string; description: string; body: string };
export type McpServerForSnapshot = {
  id: string;
  name: string;
  transport: 'stdio' | 'sse' | 'http';
  url: string | null;
  command: string | null;
  args: string[];
  allowedTools: string[];
};
export type RepositoryForSnapshot = {
  provider: 'github' | 'bitbucket' | 'gitlab';
  fullName: string;
  name: string;
  cloneUrl: string;
  baseBranch: string;
  setupCommands: string[];
};

export function buildJobSnapshot(input: {
  team: TeamForSnapshot;
  skills: SkillForSnapshot[];
  mcpServers: McpServerForSnapshot[];
  repositories: RepositoryForSnapshot[];
  ticket: JobSnapshot['ticket'];
  trigger: JobSnapshot['trigger'];
  instructions?: string;
}): JobSnapshot {
  const skills = new Map(input.skills.map((s) => [s.id, s]));
  const servers = new Map(input.mcpServers.map((m) => [m.id, m]));
  const steps = input.team.pipeline.steps
    .map((step) => ({
      stages: step.stages
        .filter((s) => s.enabled)
        .map(({ skillIds, mcpServerIds, enabled: _enabled, ...stage }) => ({
          ...stage,
          skills: skillIds.flatMap((id) => {
            const s = skills.get(id);
            return s ? [{ slug: s.slug, description: s.description, body: s.body }] : [];
          }),
          mcpServers: mcpServerIds.flatMap((id) => {
            const m = servers.get(id);
            return m
              ? [{ id: m.id, name: m.name, transport: m.transport, url: m.url ?? undefined, command: m.command ?? undefined, args: m.args, allowedTools: m.allowedTools }]
              : [];
          }),
        })),
    }))
    .filter((step) => step.stages.length > 0);
  const { id, name, workingStatus, completionStatus, failureStatus } = input.team;
  return {
    trigger: input.trigger,
    ticket: input.ticket,
    team: { id, name, workingStatus, completionStatus, failureStatus },
    instructions: input.instructions ?? '',
    pipeline: { steps },
    budget: { ...input.team.budget },
    repositories: input.repositories.map((r) => ({ ...r })),
    allowedHosts: [...input.team.allowedHosts],
  };
}
