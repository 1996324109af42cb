import { defineMutator, type Transaction } from '@rocicorp/zero';
import { z } from 'zod';
import { assertPermission } from '../../lib/auth/permissions.ts';
import { branchName } from '../../lib/repositories/link-input.ts';
import { setupCommandList } from '../../lib/repositories/setup-commands.ts';
import { allowedHostList } from '@spedy/protocol/allowed-hosts';
import { runnerTag } from '@spedy/protocol/wire';
import { detachMcpServer, detachSkill } from '../../lib/teams/attachments.ts';
import { handleSchema } from '../../lib/teams/handle.ts';
import { budgetConfig, defaultBudget, pipelineConfig, type PipelineConfig } from '../../lib/teams/pipeline.ts';
import { presetIds, presets } from '../../lib/teams/presets.ts';
import { SpedyError } from '@spedy/protocol/errors';
import { roleIn, type ZeroContext } from '../../lib/auth/context.ts';
import { zql } from '../schema.gen.ts';
import { idArg } from './args.ts';
import { loadProject } from './load.ts';

// Teams require what runners declare: the same rule for both (protocol/src/wire.ts).
const tag = runnerTag;
const statusName = z.string().trim().min(1, 'Pick a status.').max(40, 'Status names are at most 40 characters.');

const teamFields = {
  name: z.string().trim().min(1, 'Name the team.').max(60, 'Team names are at most 60 characters.'),
  description: z.string().max(500, 'Descriptions are at most 500 characters.'),
  workingStatus: statusName,
  completionStatus: statusName,
  failureStatus: statusName,
  handle: handleSchema,
  requiredCapabilities: z.array(tag).max(20, 'At most 20 capabilities.'),
  requiredLabels: z.array(tag).max(20, 'At most 20 labels.'),
  budget: budgetConfig,
};
/** The team form checks these as the person types (components/settings/teams/team-draft.ts). */
export const teamFieldsInput = z.object(teamFields);

async function loadTeam(tx: Transaction, ctx: ZeroContext | undefined, id: string) {
  const team = await tx.run(zql.runnerTeam.where('id', id).one());
  if (!team || !roleIn(ctx, team.organizationId)) throw new SpedyError('notFound', 'Runner team not found.');
  assertPermission(ctx, team.organizationId, 'teams:manage');
  return team;
}

/** Writes `change(pipeline)` to every team of the organization whose pipeline it changes (null: unchanged). */
async function updatePipelines(tx: Transaction, orgID: string, change: (pipeline: PipelineConfig) => PipelineConfig | null) {
  for (const team of await tx.run(zql.runnerTeam.where('organizationId', orgID))) {
    const pipeline = change(team.pipeline);
    if (pipeline) await tx.mutate.runnerTeam.update({ id: team.id, pipeline, updatedAt: Date.now() });
  }
}

/** Dnd-kit and the editor key steps and stages by id, so each must be unique in the pipeline. */
function assertUniqueIds(pipeline: PipelineConfig) {
  const stepIds = pipeline.steps.map((s) => s.id);
  const stageIds = pipeline.steps.flatMap((s) => s.stages.map((st) => st.id));
  if (new Set(stepIds).size !== stepIds.length || new Set(stageIds).size !== stageIds.length) {
    throw new SpedyError('invalid', 'Two steps or stages of the pipeline share an id; reload the page and edit again.');
  }
}

/** Claims `handle` for a team in the shared namespace, or explains who has it. */
async function claimHandle(tx: Transaction, orgID: string, teamID: string, handle: string) {
  const taken = await tx.run(zql.handle.where('organizationId', orgID).where('handle', handle).one());
  if (taken && taken.teamId !== teamID) {
    throw new SpedyError('conflict', `@${handle} is already taken by ${taken.teamId ? 'another team' : 'a member'}.`);
  }
  const own = await tx.run(zql.handle.where('teamId', teamID).one());
  if (own) await tx.mutate.handle.update({ id: own.id, handle });
  else await tx.mutate.handle.insert({ id: teamID, organizationId: orgID, handle, userId: null, teamId: teamID });
}

export const teamMutators = {
  create: defineMutator(
    z.object({ id: idArg, orgID: idArg, preset: z.enum(presetIds), ...teamFields, budget: budgetConfig.optional() }),
    async ({ tx, args, ctx }) => {
      assertPermission(ctx, args.orgID, 'teams:manage');
      const same = await tx.run(zql.runnerTeam.where('organizationId', args.orgID).where('name', args.name).one());
      if (same) throw new SpedyError('conflict', `A team named ${args.name} already exists.`);
      await claimHandle(tx, args.orgID, args.id, args.handle);
      const now = Date.now();
      await tx.mutate.runnerTeam.insert({
        id: args.id,
        organizationId: args.orgID,
        name: args.name,
        description: args.description,
        preset: args.preset,
        workingStatus: args.workingStatus,
        completionStatus: args.completionStatus,
        failureStatus: args.failureStatus,
        handle: args.handle,
        requiredCapabilities: args.requiredCapabilities,
        requiredLabels: args.requiredLabels,
        budget: args.budget ?? defaultBudget,
        pipeline: presets[args.preset].pipeline(),
        allowedHosts: [],
        createdAt: now,
        updatedAt: now,
      });
    },
  ),

  update: defineMutator(z.object({ id: idArg, ...teamFields }).partial().required({ id: true }), async ({ tx, args, ctx }) => {
    const team = await loadTeam(tx, ctx, args.id);
    if (args.name && args.name !== team.name) {
      const same = await tx.run(zql.runnerTeam.where('organizationId', team.organizationId).where('name', args.name).one());
      if (same) throw new SpedyError('conflict', `A team named ${args.name} already exists.`);
    }
    if (args.handle && args.handle !== team.handle) await claimHandle(tx, team.organizationId, team.id, args.handle);
    const { id, ...fields } = args;
    await tx.mutate.runnerTeam.update({ id, ...fields, updatedAt: Date.now() });
  }),

  /** Reorder, enable/disable, edit stages: the whole pipeline is validated as one. */
  setPipeline: defineMutator(z.object({ id: idArg, pipeline: pipelineConfig }), async ({ tx, args, ctx }) => {
    const team = await loadTeam(tx, ctx, args.id);
    assertUniqueIds(args.pipeline);
    const known = new Set([
      ...(await tx.run(zql.skill.where('organizationId', team.organizationId))).map((s) => `skill:${s.id}`),
      ...(await tx.run(zql.mcpServer.where('organizationId', team.organizationId))).map((m) => `mcp:${m.id}`),
    ]);
    for (const stage of args.pipeline.steps.flatMap((s) => s.stages)) {
      if (stage.skillIds.some((id) => !known.has(`skill:${id}`)) || stage.mcpServerIds.some((id) => !known.has(`mcp:${id}`))) {
        throw new SpedyError('invalid', `Stage ${stage.name} refers to a skill or MCP server that does not exist.`);
      }
    }
    await tx.mutate.runnerTeam.update({ id: team.id, pipeline: args.pipeline, updatedAt: Date.now() });
  }),

  /** The hosts its containers may reach through the supervisor's egress proxy (protocol/src/allowed-hosts.ts). */
  setAllowedHosts: defineMutator(z.object({ id: idArg, allowedHosts: allowedHostList }), async ({ tx, args, ctx }) => {
    const team = await loadTeam(tx, ctx, args.id);
    await tx.mutate.runnerTeam.update({ id: team.id, allowedHosts: args.allowedHosts, updatedAt: Date.now() });
  }),

  resetPipeline: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const team = await loadTeam(tx, ctx, args.id);
    const preset = presets[team.preset as keyof typeof presets] ?? presets.code_runner;
    await tx.mutate.runnerTeam.update({ id: team.id, pipeline: preset.pipeline(), updatedAt: Date.now() });
  }),

  delete: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const team = await loadTeam(tx, ctx, args.id);
    const own = await tx.run(zql.handle.where('teamId', team.id).one());
    if (own) await tx.mutate.handle.delete({ id: own.id });
    for (const config of await tx.run(zql.projectRunnerConfig.where('teamId', team.id))) {
      await tx.mutate.projectRunnerConfig.update({ projectId: config.projectId, teamId: null });
    }
    await tx.mutate.runnerTeam.delete({ id: team.id });
  }),
};

/** A skill or MCP server scoped to a project: the project must be the organization's own. */
async function assertProjectOfOrg(tx: Transaction, ctx: ZeroContext | undefined, projectID: string | null, orgID: string) {
  if (projectID && (await loadProject(tx, ctx, projectID)).organizationId !== orgID) {
    throw new SpedyError('notFound', 'Project not found.');
  }
}

export const skillFields = {
  slug: z.string().trim().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Skill names are lowercase words joined by "-", e.g. code-review-guidelines.').max(64),
  description: z.string().trim().min(1, 'Describe when the skill applies; the agent matches on it.').max(1024),
  body: z.string().min(1, 'Write the skill’s instructions.').max(50_000),
  projectID: idArg.nullable(),
};

export const skillMutators = {
  create: defineMutator(z.object({ id: idArg, orgID: idArg, ...skillFields }), async ({ tx, args, ctx }) => {
    assertPermission(ctx, args.orgID, 'teams:manage');
    await assertProjectOfOrg(tx, ctx, args.projectID, args.orgID);
    const same = await tx.run(zql.skill.where('organizationId', args.orgID).where('slug', args.slug).one());
    if (same) throw new SpedyError('conflict', `A skill named ${args.slug} already exists.`);
    const { orgID, projectID, ...rest } = args;
    await tx.mutate.skill.insert({ ...rest, organizationId: orgID, projectId: projectID, updatedAt: Date.now() });
  }),

  update: defineMutator(z.object({ id: idArg, ...skillFields }), async ({ tx, args, ctx }) => {
    const skill = await tx.run(zql.skill.where('id', args.id).one());
    if (!skill || !roleIn(ctx, skill.organizationId)) throw new SpedyError('notFound', 'Skill not found.');
    assertPermission(ctx, skill.organizationId, 'teams:manage');
    await assertProjectOfOrg(tx, ctx, args.projectID, skill.organizationId);
    const same = await tx.run(zql.skill.where('organizationId', skill.organizationId).where('slug', args.slug).one());
    if (same && same.id !== skill.id) throw new SpedyError('conflict', `A skill named ${args.slug} already exists.`);
    const { projectID, ...rest } = args;
    await tx.mutate.skill.update({ ...rest, projectId: projectID, updatedAt: Date.now() });
  }),

  delete: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const skill = await tx.run(zql.skill.where('id', args.id).one());
    if (!skill || !roleIn(ctx, skill.organizationId)) throw new SpedyError('notFound', 'Skill not found.');
    assertPermission(ctx, skill.organizationId, 'teams:manage');
    await updatePipelines(tx, skill.organizationId, (pipeline) => detachSkill(pipeline, skill.id));
    await tx.mutate.skill.delete({ id: skill.id });
  }),
};

export const buildSettingsMutators = {
  /** Build & Validate: the team that works this project's tickets, and whether status moves trigger it. */
  setProjectRunner: defineMutator(
    z.object({ projectID: idArg, teamID: idArg.nullable(), triggerOnStatus: z.enum(['auto', 'off']) }),
    async ({ tx, args, ctx }) => {
      const project = await loadProject(tx, ctx, args.projectID);
      assertPermission(ctx, project.organizationId, 'teams:manage');
      // A team of another organization the caller also administers is still not this project's.
      if (args.teamID && (await loadTeam(tx, ctx, args.teamID)).organizationId !== project.organizationId) {
        throw new SpedyError('notFound', 'Runner team not found.');
      }
      await tx.mutate.projectRunnerConfig.upsert({
        projectId: project.id,
        organizationId: project.organizationId,
        teamId: args.teamID,
        triggerOnStatus: args.triggerOnStatus,
      });
    },
  ),

  setBaseBranch: defineMutator(
    z.object({ id: idArg, baseBranch: branchName }),
    async ({ tx, args, ctx }) => {
      const repo = await tx.run(zql.projectRepository.where('id', args.id).one());
      if (!repo || !roleIn(ctx, repo.organizationId)) throw new SpedyError('notFound', 'Repository not found.');
      assertPermission(ctx, repo.organizationId, 'teams:manage');
      await tx.mutate.projectRepository.update({ id: repo.id, baseBranch: args.baseBranch });
    },
  ),

  /** The repository's setup commands: its layer on top of the runner image (jobs created from now on carry them). */
  setSetupCommands: defineMutator(
    z.object({ id: idArg, setupCommands: setupCommandList }),
    async ({ tx, args, ctx }) => {
      const repo = await tx.run(zql.projectRepository.where('id', args.id).one());
      if (!repo || !roleIn(ctx, repo.organizationId)) throw new SpedyError('notFound', 'Repository not found.');
      assertPermission(ctx, repo.organizationId, 'teams:manage');
      await tx.mutate.projectRepository.update({ id: repo.id, setupCommands: args.setupCommands });
    },
  ),

  removeRepository: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const repo = await tx.run(zql.projectRepository.where('id', args.id).one());
    if (!repo || !roleIn(ctx, repo.organizationId)) throw new SpedyError('notFound', 'Repository not found.');
    assertPermission(ctx, repo.organizationId, 'teams:manage');
    await tx.mutate.projectRepository.delete({ id: repo.id });
  }),
};

/** Creating and editing MCP servers carries credentials, so it is a route (PUT /api/orgs/[orgId]/mcp-servers); deleting is not. */
export const mcpServerMutators = {
  /** Detaches the server (and its tools) from every stage; its sealed credentials go with the row. */
  delete: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const server = await tx.run(zql.mcpServer.where('id', args.id).one());
    if (!server || !roleIn(ctx, server.organizationId)) throw new SpedyError('notFound', 'MCP server not found.');
    assertPermission(ctx, server.organizationId, 'teams:manage');
    await updatePipelines(tx, server.organizationId, (pipeline) => detachMcpServer(pipeline, server));
    await tx.mutate.mcpServer.delete({ id: server.id });
  }),
};
