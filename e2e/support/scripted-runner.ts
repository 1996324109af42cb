// What the specs that run real jobs share: the demo runner (Docker, the scripted model and a
// supervisor) working one project, the owner's Zero client on the spec's Node side, and a
// runner team of the shape a test needs, given through that client.
import path from 'node:path';
import { expect } from '@playwright/test';
import { nanoid } from 'nanoid';
import type { BudgetConfig, PipelineConfig, StageConfig } from '../../lib/teams/pipeline';
import { presets } from '../../lib/teams/presets';
import { startDemoRunner, type DemoRunner } from '../../stack/demo-runner';
import type { Scenario } from '../../test-kit/model-server/scenario';
import { connectZero, waitForData, type NodeZero } from '../../test/support/zero-client';
import { mutators } from '../../zero/mutators';
import { queries } from '../../zero/queries';
import { db, orgIdOf } from './database';

function stackEnv() {
  const dataDir = process.env.SPEDY_TEST_DATA_DIR;
  const databaseUrl = process.env.SPEDY_TEST_DATABASE_URL;
  const appUrl = process.env.SPEDY_TEST_APP_URL;
  if (!dataDir || !databaseUrl || !appUrl) throw new Error('This spec runs under `npm test`, which starts the stack and sets SPEDY_TEST_*.');
  return { dataDir, databaseUrl, appUrl };
}

/** The demo runner, working the tickets of `target`; `scenarios` add scripted behaviours to the test kit's. */
export async function startScriptedRunner(target: { orgSlug: string; projectKey: string }, scenarios?: Record<string, Scenario>): Promise<DemoRunner> {
  const { dataDir, databaseUrl, appUrl } = stackEnv();
  const runner = await startDemoRunner({
    // The integration tests' runner folder: its Docker engine keeps the runner image.
    dataDir: path.join(dataDir, 'runner'),
    appUrl,
    databaseUrl,
    appEnv: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string')),
    target,
    ...(scenarios ? { scenarios } : {}),
    log: () => {},
  });
  expect(runner, 'the demo runner (Docker, test kit, supervisor) must start').not.toBeNull();
  return runner!;
}

/** The organization owner's Zero client, with the teams and the project it changes already synced (mutators run on them first). */
export async function ownerZero(owner: { email: string; password: string }, orgSlug: string, projectKey: string): Promise<{ zero: NodeZero; orgID: string }> {
  const { appUrl } = stackEnv();
  const signIn = await fetch(`${appUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: appUrl },
    body: JSON.stringify({ email: owner.email, password: owner.password }),
  });
  expect(signIn.ok).toBe(true);
  const { user } = (await signIn.json()) as { user: { id: string } };
  const orgID = await orgIdOf(orgSlug);
  const zero = connectZero({ cacheURL: process.env.SPEDY_TEST_ZERO_URL!, userID: user.id, token: signIn.headers.get('set-auth-token')!, context: { userID: user.id, orgs: { [orgID]: 'owner' } } });
  await Promise.all([zero.preload(queries.teams.list({ orgID })).complete, zero.preload(queries.project({ orgID, key: projectKey })).complete]);
  return { zero, orgID };
}

/** The server's answer to a mutation: null when it applied it, else its message. */
export async function serverVerdict(result: { server: Promise<{ type: string; error?: { message: string } }> }) {
  const outcome = await result.server;
  return outcome.type === 'error' ? (outcome.error?.message ?? 'error') : null;
}

type TeamShape = { description: string; steps: PipelineConfig['steps']; requiredLabels?: string[]; budget?: BudgetConfig };

/**
 * Has the project's tickets worked by a new team of the demo runner's kind with pipeline `steps`
 * (as job-paths.pg.test.ts does); `[scenario:…]` in a stage's name picks its scripted behaviour.
 */
export async function useScriptedTeam(client: { zero: NodeZero; orgID: string; projectKey: string }, name: string, shape: TeamShape) {
  const { zero, orgID } = client;
  const id = nanoid();
  const handle = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const fields = {
    description: shape.description,
    workingStatus: 'AI Processing',
    completionStatus: 'In Review',
    failureStatus: 'Todo',
    requiredCapabilities: ['claude_code'],
    requiredLabels: shape.requiredLabels ?? ['demo'],
    ...(shape.budget ? { budget: shape.budget } : {}),
  };
  expect(await serverVerdict(zero.mutate(mutators.team.create({ id, orgID, preset: 'code_runner', name, handle, ...fields })))).toBeNull();
  const teams = zero.materialize(queries.teams.list({ orgID }));
  await waitForData(teams, (rows) => rows.some((row) => row.id === id));
  teams.destroy();
  const pipeline = presets.code_runner.pipeline();
  pipeline.steps = shape.steps;
  expect(await serverVerdict(zero.mutate(mutators.team.setPipeline({ id, pipeline })))).toBeNull();
  const [project] = await db<{ id: string }>('SELECT id FROM project WHERE organization_id = $1 AND key = $2', [orgID, client.projectKey]);
  expect(await serverVerdict(zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project!.id, teamID: id, triggerOnStatus: 'auto' })))).toBeNull();
}

/** A coding stage like the Code Runner preset's, with `partial` on top. */
export function codingStage(id: string, partial: Partial<StageConfig> & Pick<StageConfig, 'name'>): StageConfig {
  return { ...presets.code_runner.pipeline().steps[1]!.stages[0]!, id, type: 'coding', ...partial };
}
