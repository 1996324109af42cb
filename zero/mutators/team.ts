import { defineMutator, type Transaction } from '@rocicorp/zero';
import { z } from 'zod';
import { handleSchema } from '../../lib/teams/handle.ts';
import { budgetConfig, defaultBudget, pipelineConfig } from '../../lib/teams/pipeline.ts';
import { presetIds, presets } from '../../lib/teams/presets.ts';
import { assertAdministrator, ErrorCode, SpedyError, type ZeroContext } from '../context.ts';
import { zql } from '../schema.gen.ts';
import { idArg } from './args.ts';
import { loadProject } from './load.ts';

const tag = z.string().trim().regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, 'Capabilities and labels are lowercase words such as claude_code or backend.');
const statusName = z.string().trim().min(1, 'Pick a status.').max(40);

const teamFields = {
  name: z.string().trim().min(1, 'Name the team.').max(60),
  description: z.string().max(500),
  workingStatus: statusName,
  completionStatus: statusName,
  failureStatus: statusName,
  handle: handleSchema,
  requiredCapabilities: z.array(tag).max(20),
  requiredLabels: z.array(tag).max(20),
  budget: budgetConfig,
};

async function loadTeam(tx: Transaction, ctx: ZeroContext | undefined, id: string) {
  const team = await tx.run(zql.runnerTeam.where('id', id).one());
  if (!team || !ctx?.orgs[team.organizationId]) throw new SpedyError(ErrorCode.notFound, 'Runner team not found.');
  assertAdministrator(ctx, team.organizationId, 'manage runner teams');
  return team;
}

/** Claims `handle` for a team in the shared namespace, or explains who has it. */
async function claimHandle(tx: Transaction, orgID: string, teamID: string, handle: string) {
  const taken = await tx.run(zql.handle.where('organizationId', orgID).where('handle', handle).one());
  if (taken && taken.teamId !== teamID) {
    throw new SpedyError(ErrorCode.conflict, `@${handle} is already taken by ${taken.teamId ? 'another team' : 'a member'}.`);
  }
  const own = await tx.run(zql.handle.where('teamId', teamID).one());
  if (own) await tx.mutate.handle.update({ id: own.id, handle });
  else await tx.mutate.handle.insert({ id: teamID, organizationId: orgID, handle, userId: null, teamId: teamID });
}

export const teamMutators = {
  create: defineMutator(
    z.object({ id: idArg, orgID: idArg, preset: z.enum(presetIds), ...teamFields, budget: budgetConfig.optional() }),
    async ({ tx, args, ctx }) => {
      assertAdministrator(ctx, args.orgID, 'manage runner teams');
      const same = await tx.run(zql.runnerTeam.where('organizationId', args.orgID).where('name', args.name).one());
      if (same) throw new SpedyError(ErrorCode.conflict, `A team named ${args.name} already exists.`);
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
        createdAt: now,
        updatedAt: now,
      });
    },
  ),

  update: defineMutator(z.object({ id: idArg, ...teamFields }).partial().required({ id: true }), async ({ tx, args, ctx }) => {
    const team = await loadTeam(tx, ctx, args.id);
    if (args.name && args.name !== team.name) {
      const same = await tx.run(zql.runnerTeam.where('organizationId', team.organizationId).where('name', args.name).one());
      if (same) throw new SpedyError(ErrorCode.conflict, `A team named ${args.name} already exists.`);
    }
    if (args.handle && args.handle !== team.handle) await claimHandle(tx, team.organizationId, team.id, args.handle);
    const { id, ...fields } = args;
    await tx.mutate.runnerTeam.update({ id, ...fields, updatedAt: Date.now() });
  }),

  /** Reorder, enable/disable, edit stages: the whole pipeline is validated as one. */
  setPipeline: defineMutator(z.object({ id: idArg, pipeline: pipelineConfig }), async ({ tx, args, ctx }) => {
    const team = await loadTeam(tx, ctx, args.id);
    const known = new Set([
      ...(await tx.run(zql.skill.where('organizationId', team.organizationId))).map((s) => `skill:${s.id}`),
      ...(await tx.run(zql.mcpServer.where('organizationId', team.organizationId))).map((m) => `mcp:${m.id}`),
    ]);
    for (const stage of args.pipeline.steps.flatMap((s) => s.stages)) {
      if (stage.skillIds.some((id) => !known.has(`skill:${id}`)) || stage.mcpServerIds.some((id) => !known.has(`mcp:${id}`))) {
        throw new SpedyError(ErrorCode.invalid, `Stage ${stage.name} refers to a skill or MCP server that does not exist.`);
      }
    }
    await tx.mutate.runnerTeam.update({ id: team.id, pipeline: args.pipeline, updatedAt: Date.now() });
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

const skillFields = {
  slug: z.string().trim().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Skill names are lowercase words joined by "-", e.g. code-review-guidelines.').max(64),
  description: z.string().trim().min(1, 'Describe when the skill applies; the agent matches on it.').max(1024),
  body: z.string().min(1, 'Write the skill’s instructions.').max(50_000),
  projectID: idArg.nullable(),
};

export const skillMutators = {
  create: defineMutator(z.object({ id: idArg, orgID: idArg, ...skillFields }), async ({ tx, args, ctx }) => {
    assertAdministrator(ctx, args.orgID, 'manage skills');
    if (args.projectID && (await loadProject(tx, ctx, args.projectID)).organizationId !== args.orgID) {
      throw new SpedyError(ErrorCode.notFound, 'Project not found.');
    }
    const same = await tx.run(zql.skill.where('organizationId', args.orgID).where('slug', args.slug).one());
    if (same) throw new SpedyError(ErrorCode.conflict, `A skill named ${args.slug} already exists.`);
    const { orgID, projectID, ...rest } = args;
    await tx.mutate.skill.insert({ ...rest, organizationId: orgID, projectId: projectID, updatedAt: Date.now() });
  }),

  update: defineMutator(z.object({ id: idArg, ...skillFields }), async ({ tx, args, ctx }) => {
    const skill = await tx.run(zql.skill.where('id', args.id).one());
    if (!skill || !ctx?.orgs[skill.organizationId]) throw new SpedyError(ErrorCode.notFound, 'Skill not found.');
    assertAdministrator(ctx, skill.organizationId, 'manage skills');
    const same = await tx.run(zql.skill.where('organizationId', skill.organizationId).where('slug', args.slug).one());
    if (same && same.id !== skill.id) throw new SpedyError(ErrorCode.conflict, `A skill named ${args.slug} already exists.`);
    const { projectID, ...rest } = args;
    await tx.mutate.skill.update({ ...rest, projectId: projectID, updatedAt: Date.now() });
  }),

  delete: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const skill = await tx.run(zql.skill.where('id', args.id).one());
    if (!skill || !ctx?.orgs[skill.organizationId]) throw new SpedyError(ErrorCode.notFound, 'Skill not found.');
    assertAdministrator(ctx, skill.organizationId, 'manage skills');
    await tx.mutate.skill.delete({ id: skill.id });
  }),
};

export const buildSettingsMutators = {
  /** Build & Validate: the team that works this project's tickets, and whether status moves trigger it. */
  setProjectRunner: defineMutator(
    z.object({ projectID: idArg, teamID: idArg.nullable(), triggerOnStatus: z.enum(['auto', 'off']) }),
    async ({ tx, args, ctx }) => {
      const project = await loadProject(tx, ctx, args.projectID);
      assertAdministrator(ctx, project.organizationId, 'configure Build & Validate');
      if (args.teamID) await loadTeam(tx, ctx, args.teamID);
      await tx.mutate.projectRunnerConfig.upsert({
        projectId: project.id,
        organizationId: project.organizationId,
        teamId: args.teamID,
        triggerOnStatus: args.triggerOnStatus,
      });
    },
  ),

  setBaseBranch: defineMutator(
    z.object({ id: idArg, baseBranch: z.string().trim().min(1, 'Name the base branch.').max(200).regex(/^[^\s~^:?*[\\]+$/, 'That is not a valid branch name.') }),
    async ({ tx, args, ctx }) => {
      const repo = await tx.run(zql.projectRepository.where('id', args.id).one());
      if (!repo || !ctx?.orgs[repo.organizationId]) throw new SpedyError(ErrorCode.notFound, 'Repository not found.');
      assertAdministrator(ctx, repo.organizationId, 'configure Build & Validate');
      await tx.mutate.projectRepository.update({ id: repo.id, baseBranch: args.baseBranch });
    },
  ),

  removeRepository: defineMutator(z.object({ id: idArg }), async ({ tx, args, ctx }) => {
    const repo = await tx.run(zql.projectRepository.where('id', args.id).one());
    if (!repo || !ctx?.orgs[repo.organizationId]) throw new SpedyError(ErrorCode.notFound, 'Repository not found.');
    assertAdministrator(ctx, repo.organizationId, 'configure Build & Validate');
    await tx.mutate.projectRepository.delete({ id: repo.id });
  }),
};
