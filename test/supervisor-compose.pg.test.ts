// A runner installed the way the bundle's README says, on this machine: the bundle built from
// the checkout, `./setup.sh` (key mode, the API URL on loopback) writing `.env` and
// `docker-compose.yml`, then `docker-compose up -d` (Debian's 1.29, the legacy builder) building
// the supervisor's image and starting it on the host's Docker engine. The runner shows Online and
// works a demo ticket to a pull request: stage containers on the same engine, the job folder at
// the same path inside and out. `docker-compose down` removes what it started and built.
//
// This machine reaches no image registry: the runner image (Node 22, npm, git), built from the
// host first, stands in as the supervisor image's base (SPEDY_SUPERVISOR_BASE). The supervisor in
// the container computes the runner image's tag from its own inputs and must find the host's.
//
// Then an upgrade while a job is in its second stage: `docker-compose stop` (SIGTERM, then a kill
// after stop_grace_period) drains the supervisor, which hands the job back and exits by itself;
// `docker-compose build` and `up -d --force-recreate` start the new container, which completes it.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import tar from 'tar-stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb } from '../lib/db/client.ts';
import { handedBackNotice, handedBackReason } from '@spedy/protocol/hand-back';
import { demoRepository, demoTeamHandle, seedDemoRunner } from '../lib/demo/runner-demo-seed.ts';
import { buildSupervisorBundle } from '../lib/runners/supervisor-bundle.ts';
import { storeVaultEntry } from '../lib/secrets/entries.ts';
import { getKeyring, runnerTokenHashKey } from '../lib/secrets/keyring.ts';
import { fromRoot } from '../stack/paths.ts';
import { followProgress } from '../supervisor/image/progress.ts';
import { DEFAULT_IMAGE_CACHE_DIR, ensureRunnerImage, RUNNER_IMAGE_REPO } from '../supervisor/image/runner-image.ts';
import { startGitRemote, type GitRemote } from '../test-kit/git-remote/server.ts';
import { startModelServer, type ModelServer } from '../test-kit/model-server/server.ts';
import { startProviderApi, type ProviderApi } from '../test-kit/provider-api/server.ts';
import { sql } from './support/db.ts';
import { acquireTestDockerEngine, type TestDockerEngine } from './support/docker-engine.ts';
import { createProject, newMember, serverVerdict, type Member } from './support/fixtures.ts';
import { agentSleeping, endedJobStatuses, eventsOf, jobIn, latestJob, poll, startTicket, ticketState } from './support/jobs.ts';
import { testStack } from './support/stack-env.ts';
import { draftRuns, twoStageJob, twoStagePipeline } from './support/two-stage-job.ts';
import { waitForData } from './support/zero-client.ts';
import { mutators } from '../zero/mutators.ts';
import { queries } from '../zero/queries.ts';

const run = promisify(execFile);
const suite = `compose-${randomBytes(3).toString('hex')}`;
const work = fromRoot('.test-data', suite);
const bundle = path.join(work, 'bundle');
const jobsDir = path.join(work, 'jobs');
/** Compose names containers, networks and the project by this. */
const composeProject = `spedy${suite.replace(/-/g, '')}`;
const runnerName = `compose-runner-${suite}`;
const baseImage = `spedy-compose-base:${suite}`;

let engine: TestDockerEngine;
let docker: Docker;
let runnerImage: string;
let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let model: ModelServer;
let git: GitRemote;
let provider: ProviderApi;
let composeStarted = false;
const twoStage = twoStageJob();

/** docker-compose in the bundle folder, on the test's engine, with output kept for failures. */
async function compose(args: string[], timeout = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker-compose', ['-p', composeProject, ...args], {
      cwd: bundle,
      env: { PATH: process.env.PATH ?? '', HOME: work, DOCKER_HOST: `unix://${engine.socketPath}`, COMPOSE_DOCKER_CLI_BUILD: '0', SPEDY_SUPERVISOR_BASE: baseImage, NODE_ENV: 'test' as const },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new Error('docker-compose is not installed: apt-get install -y docker-compose') : error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`docker-compose ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

/**
 * The runner image with `USER root` on top: Node and npm for the supervisor's image, which runs
 * as root to use the engine's socket. The machine's extra CA certificates (an egress proxy that
 * re-signs TLS) go in too, as a runner host behind such a proxy would add them: npm in the build
 * and the supervisor's `npm pack` reach the registry through it.
 */
async function buildBaseImage(): Promise<void> {
  const context = tar.pack();
  const extraCa = process.env.NODE_EXTRA_CA_CERTS;
  const caLines = extraCa && fs.existsSync(extraCa) ? ['COPY extra-ca.crt /usr/local/share/ca-certificates/spedy-extra-ca.crt', 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/spedy-extra-ca.crt'] : [];
  context.entry({ name: 'Dockerfile' }, [`FROM ${runnerImage}`, 'USER root', 'WORKDIR /', ...caLines, ''].join('\n'));
  if (caLines.length > 0) context.entry({ name: 'extra-ca.crt' }, fs.readFileSync(extraCa!));
  context.finalize();
  const progress = await docker.buildImage(Readable.from(context), { t: baseImage, rm: true, forcerm: true, networkmode: 'host' });
  await followProgress(progress, `Building ${baseImage}`);
}

async function runnerImageTags(): Promise<string[]> {
  const images = await docker.listImages({ filters: { reference: [RUNNER_IMAGE_REPO] } });
  return images.flatMap((image) => image.RepoTags ?? []).filter((tag) => tag.startsWith(`${RUNNER_IMAGE_REPO}:`));
}

beforeAll(async () => {
  fs.mkdirSync(work, { recursive: true });
  engine = await acquireTestDockerEngine();
  docker = new Docker({ socketPath: engine.socketPath });
  runnerImage = await ensureRunnerImage({ docker });
  await buildBaseImage();

  owner = await newMember('Compose Owner');
  project = await createProject(owner, 'CMP');
  // The demo's parts: the scripted model (which insists on the vault's key: only the
  // supervisor's model proxy has it), a git remote with the demo repository, the provider API.
  const apiKey = `sk-ant-api03-${randomBytes(24).toString('base64url')}`;
  const gitToken = `ghs_${randomBytes(16).toString('hex')}`;
  model = await startModelServer({ apiKey, defaultScenario: 'first-job', scenarios: twoStage.scenarios });
  git = await startGitRemote({ root: path.join(work, 'git'), token: gitToken });
  const { cloneUrl } = await git.createRepository(demoRepository.fullName, { defaultBranch: demoRepository.defaultBranch, files: { 'README.md': '# Compose demo\n' } });
  provider = await startProviderApi();
  provider.addToken(gitToken, { kind: 'github-classic', login: 'spedy-demo', scopes: ['repo'], repositories: [demoRepository.fullName] });
  provider.repositories.add('github', demoRepository.fullName, { defaultBranch: demoRepository.defaultBranch, cloneUrl });
  const { databaseUrl } = testStack();
  const seeded = await seedDemoRunner(databaseUrl, getKeyring(), runnerTokenHashKey(), { githubApiUrl: provider.githubUrl, cloneUrl, gitToken }, { orgSlug: owner.orgSlug, projectKey: 'CMP' });
  if (!seeded) throw new Error('seedDemoRunner found no organization or project');
  const { db, close } = connectDb(databaseUrl);
  try {
    await storeVaultEntry(db, getKeyring(), { orgId: owner.orgID, userId: owner.userID, secret: { preset: 'anthropic', value: apiKey } });
  } finally {
    await close();
  }

  // The runner host's side: the bundle, then setup.sh as a script would drive it.
  await buildSupervisorBundle(fromRoot(), bundle);
  const apiUrl = `${testStack().appUrl}/api/v1`;
  const setup = await run(
    'bash',
    [path.join(bundle, 'setup.sh'), '--api-url', apiUrl, '--token', seeded.runnerToken, '--mode', 'key', '--pool-size', '1', '--jobs-dir', jobsDir, '--cache-dir', DEFAULT_IMAGE_CACHE_DIR, '--yes'],
    { env: { PATH: process.env.PATH ?? '', HOME: work, DOCKER_HOST: `unix://${engine.socketPath}`, NODE_ENV: 'test' as const } },
  );
  expect(setup.stderr).toContain('✓ ANTHROPIC_API_KEY is in the vault');
  // What an operator adds for a demo: the scripted model, the demo team's label, a name.
  fs.appendFileSync(path.join(bundle, '.env'), `SPEDY_MODEL_BASE_URL=${model.url}\nSPEDY_RUNNER_LABELS=demo\nSPEDY_RUNNER_NAME=${runnerName}\n`);

  composeStarted = true;
  await compose(['up', '-d'], 900_000);
}, 1_200_000);

afterAll(async () => {
  if (composeStarted) {
    // Stops the supervisor (it drains and reports), removes its container and the image compose built.
    await compose(['down', '--rmi', 'all', '--timeout', '60'], 180_000).catch((error: Error) => console.error(error.message));
  }
  await docker?.getImage(baseImage).remove().catch(() => undefined);
  await Promise.all([model?.stop(), git?.stop(), provider?.close()]);
  await owner?.zero.close();
  await engine?.stop();
  fs.rmSync(work, { recursive: true, force: true });
}, 300_000);

describe('a runner installed with setup.sh and docker-compose', () => {
  it('builds the supervisor image, shows Online, and works a demo ticket to a pull request on the host engine', async () => {
    const [container] = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${composeProject}`] } });
    expect(container?.Image).toBe('spedy-supervisor:local');
    expect(container?.HostConfig.NetworkMode).toBe('host');

    const runnerStatus = async () => {
      const [row] = await sql<{ status: string }>(testStack().databaseUrl, 'SELECT status FROM runner WHERE organization_id = $1 AND name = $2', [owner.orgID, runnerName]);
      return row?.status === 'online' ? row.status : undefined;
    };
    await poll('the compose runner Online', runnerStatus, 300_000);

    const ticketId = await startTicket(owner, project, 'Add a greeting script');
    const job = await jobIn(ticketId, endedJobStatuses, 600_000);
    expect(job.status_reason).toBeNull();
    expect(job.status).toBe('completed');
    const [pr] = job.result?.pullRequests ?? [];
    expect(pr?.repository).toBe(demoRepository.fullName);
    expect(await git.readFile(demoRepository.fullName, pr!.branch, 'hello.js')).toContain('Hello from Spedy');
    expect(provider.pullRequests.list().some((p) => p.head === pr!.branch && p.base === 'main')).toBe(true);
    expect(await ticketState(ticketId)).toEqual({ status: 'In Review', ai_failed: false });

    // The job ran in the compose runner, its folder under the mounted job folder, and reads like a real one.
    const [claimed] = await sql<{ name: string }>(testStack().databaseUrl, 'SELECT r.name FROM job j JOIN runner r ON r.id = j.runner_id WHERE j.id = $1', [job.id]);
    expect(claimed?.name).toBe(runnerName);
    expect(fs.existsSync(path.join(jobsDir, job.id))).toBe(true);
    expect((await eventsOf(job.id, 'tool_result')).filter((result) => result.isError)).toEqual([]);
    // The key reached the model only through the supervisor's proxy: the scripted model refuses any other.
    expect(model.requests().filter((request) => request.path === '/v1/messages' && request.status === 200).length).toBeGreaterThan(0);

    // The supervisor in the container computed the tag of the runner image the host built, and built no other.
    expect(await runnerImageTags()).toEqual([runnerImage]);
  }, 900_000);

  it('drains on an upgrade: the job in its second stage is handed back, and the new container completes it', async () => {
    // The demo team works in two stages now; the second waits until the test releases it.
    const db = testStack().databaseUrl;
    const [team] = await sql<{ id: string }>(db, 'SELECT id FROM runner_team WHERE organization_id = $1 AND handle = $2', [owner.orgID, demoTeamHandle]);
    const teams = owner.zero.materialize(queries.teams.list({ orgID: owner.orgID }));
    await waitForData(teams, (rows) => rows.some((row) => row.id === team!.id));
    teams.destroy();
    expect(await serverVerdict(owner.zero.mutate(mutators.team.setPipeline({ id: team!.id, pipeline: twoStagePipeline() })))).toBeNull();
    twoStage.hold.second = true;
    const ticketId = await startTicket(owner, project, 'Draft and finish, across an upgrade');
    const job = await poll(
      'the second stage’s agent to wait in its container',
      async () => {
        const row = await latestJob(ticketId);
        return row?.status === 'running' && (await agentSleeping(docker, row.id)) && row;
      },
      300_000,
    );
    twoStage.hold.second = false;
    const draftRunsBefore = draftRuns(model);

    await compose(['stop'], 120_000);
    // It exited by itself within its drain timeout: Docker's kill after stop_grace_period would give 137.
    const [stopped] = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${composeProject}`] } });
    expect((await docker.getContainer(stopped!.Id).inspect()).State).toMatchObject({ Status: 'exited', ExitCode: 0, OOMKilled: false });
    const [handedBack] = await sql<{ status: string; status_reason: string | null; runner_id: string | null }>(db, 'SELECT status, status_reason, runner_id FROM job WHERE id = $1', [job.id]);
    expect(handedBack).toEqual({ status: 'ready', status_reason: handedBackReason(runnerName), runner_id: null });
    expect((await eventsOf(job.id, 'notice')).map((notice) => notice.message)).toContain(handedBackNotice);

    // The upgrade's new container (the rebuild finds every layer cached: nothing changed).
    await compose(['build'], 600_000);
    await compose(['up', '-d', '--force-recreate'], 300_000);
    const done = await jobIn(ticketId, ['completed'], 600_000);
    const [pr] = done.result?.pullRequests ?? [];
    expect(await git.readFile(demoRepository.fullName, pr!.branch, 'draft.txt')).toBe('drafted\n');
    expect(await git.readFile(demoRepository.fullName, pr!.branch, 'finish.txt')).toBe('finished\n');
    expect(provider.pullRequests.list().some((p) => p.head === pr!.branch)).toBe(true);
    expect(await ticketState(ticketId)).toEqual({ status: 'In Review', ai_failed: false });
    // Resumed from the last finished stage, the first stage does not run again:
    expect(draftRuns(model)).toBe(draftRunsBefore);
  }, 1_200_000);
});
