// The review loop's test setup: an organization with a team on a project, a GitHub integration
// on the test kit's provider stand-in with a webhook secret, and a registered runner that opens
// pull requests the way the supervisor reports them (a `pull_request` event, then the result).
import { nanoid } from 'nanoid';
import { expect } from 'vitest';
import { connectDb, type Db } from '../../lib/db/client.ts';
import { createJob } from '../../lib/jobs/create.ts';
import { issueRunnerToken } from '../../lib/runners/tokens.ts';
import { runnerTokenHashKey } from '../../lib/secrets/keyring.ts';
import { mutators } from '../../zero/mutators.ts';
import type { ProviderApi } from '../../test-kit/provider-api/server.ts';
import { sql } from './db.ts';
import { createProject, createTicket, newMember, serverVerdict, waitForTeam, type Member } from './fixtures.ts';
import { orgApi } from './org-api.ts';
import { poll } from './poll.ts';
import { registerRunner, runnerApi, sampleSnapshot, type RunnerApi } from './runners.ts';
import { testStack } from './stack-env.ts';

export type ReviewLoopOrg = {
  owner: Member;
  project: Awaited<ReturnType<typeof createProject>>;
  teamId: string;
  integrationId: string;
  secret: string;
  db: Db;
  closeDb: () => Promise<void>;
  /** Closes the owner's Zero client and the database connection. */
  close: () => Promise<void>;
  api: RunnerApi;
  runnerId: string;
  repository: string;
  token: string;
  /** The stand-in's GitHub API base. */
  githubUrl: string;
};

export type OpenedPullRequest = { ticketId: string; jobId: string; number: number; url: string; branch: string };

export async function reviewLoopOrg(provider: ProviderApi, name: string, key: string): Promise<ReviewLoopOrg> {
  const stack = testStack();
  const owner = await newMember(name);
  const project = await createProject(owner, key);
  const teamId = nanoid();
  const created = await serverVerdict(
    owner.zero.mutate(
      mutators.team.create({
        id: teamId,
        orgID: owner.orgID,
        preset: 'code_runner',
        name: 'Coders',
        description: '',
        workingStatus: 'AI Processing',
        completionStatus: 'In Review',
        failureStatus: 'Todo',
        handle: `coders${key.toLowerCase()}`,
        requiredCapabilities: ['claude_code'],
        requiredLabels: [],
      }),
    ),
  );
  expect(created).toBeNull();
  await waitForTeam(owner, teamId);
  expect(await serverVerdict(owner.zero.mutate(mutators.buildSettings.setProjectRunner({ projectID: project.id, teamID: teamId, triggerOnStatus: 'off' })))).toBeNull();

  const repository = `acme-${key.toLowerCase()}/shop`;
  const token = `ghp_reviewloop${key}${nanoid(12).replace(/[^A-Za-z0-9]/g, 'x')}`;
  provider.addToken(token, { kind: 'github-classic', login: 'spedy-bot', scopes: ['repo'], repositories: [repository, 'Codertocat/Hello-World'] });
  const connected = await orgApi(owner, 'POST', `${owner.orgID}/integrations`, { provider: 'github', tokenKind: 'personal', token, apiUrl: provider.githubUrl });
  expect(connected.status).toBe(200);
  const integrationId = (connected.body.integration as { id: string }).id;
  const generated = await orgApi(owner, 'POST', `${owner.orgID}/integrations/${integrationId}/webhook-secret`);
  expect(generated.status).toBe(200);
  const secret = generated.body.secret as string;

  const { db, close } = connectDb(stack.databaseUrl);
  const issued = await issueRunnerToken(db, runnerTokenHashKey(), { orgId: owner.orgID, name: `${name} token`, createdBy: owner.userID });
  const api = runnerApi(stack.appUrl, issued.token);
  const runnerId = await registerRunner(api);
  await setRetrigger(owner.orgID, true);
  const closeAll = async () => {
    await owner.zero.close();
    await close();
  };
  return { owner, project, teamId, integrationId, secret, db, closeDb: close, close: closeAll, api, runnerId, repository, token, githubUrl: provider.githubUrl };
}

export async function setRetrigger(orgID: string, on: boolean): Promise<void> {
  await sql(
    testStack().databaseUrl,
    `INSERT INTO runner_settings (organization_id, offline_timeout_seconds, auto_create_jobs, retrigger_on_review) VALUES ($1, 90, true, $2)
     ON CONFLICT (organization_id) DO UPDATE SET retrigger_on_review = $2`,
    [orgID, on],
  );
}

/** Moves a job the runner holds (claiming it first when Ready) through to `to`, with `result` on the last report. */
export async function runJobTo(org: ReviewLoopOrg, jobId: string, to: 'running' | 'completed' | 'failed', result?: Record<string, unknown>): Promise<void> {
  const [row] = await sql<{ status: string }>(testStack().databaseUrl, 'SELECT status FROM job WHERE id = $1', [jobId]);
  if (row?.status === 'ready') expect((await org.api.post('jobs/claim', { runnerId: org.runnerId, jobId })).status).toBe(200);
  const path = to === 'failed' ? ['executing', 'failed'] : to === 'running' ? ['executing', 'running'] : ['executing', 'running', 'syncing', 'completed'];
  const [now] = await sql<{ status: string }>(testStack().databaseUrl, 'SELECT status FROM job WHERE id = $1', [jobId]);
  for (const status of path.slice(Math.max(0, path.indexOf(now!.status) + 1))) {
    const last = status === to;
    const res = await org.api.post(`jobs/${jobId}/status`, { runnerId: org.runnerId, status, ...(last && result ? { result } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

/**
 * A ticket whose job opened a pull request on the stand-in and reported it: a `pull_request`
 * event while running, the same pull request in the result when it ends as `end`.
 */
export async function openPullRequest(
  org: ReviewLoopOrg,
  title: string,
  end: 'running' | 'completed' | 'failed' = 'completed',
  /** A pull request elsewhere (not opened on the stand-in), e.g. the one of GitHub's published payload. */
  elsewhere?: { repository: string; number: number; url: string; branch: string },
): Promise<OpenedPullRequest> {
  return reportPullRequest(org, title, end, elsewhere ?? (() => openOnStandIn(org, title)));
}

async function reportPullRequest(
  org: ReviewLoopOrg,
  title: string,
  end: 'running' | 'completed' | 'failed',
  open: { repository: string; number: number; url: string; branch: string } | (() => Promise<{ repository: string; number: number; url: string; branch: string }>),
): Promise<OpenedPullRequest> {
  const ticketId = await createTicket(org.owner, org.project, title);
  const job = await org.db.transaction((tx) =>
    createJob(tx, { organizationId: org.owner.orgID, type: 'streaming', title, snapshot: sampleSnapshot(), projectId: org.project.id, ticketId, teamId: org.teamId, requiredCapabilities: ['claude_code'] }),
  );
  const pr = typeof open === 'function' ? await open() : open;
  await runJobTo(org, job.id, 'running');
  const events = await org.api.post(`jobs/${job.id}/events`, { runnerId: org.runnerId, events: [{ seq: 1, type: 'pull_request', payload: pr, at: Date.now() }] });
  expect(events.status).toBe(200);
  if (end !== 'running') await runJobTo(org, job.id, end, { pullRequests: [pr] });
  return { ticketId, jobId: job.id, number: pr.number, url: pr.url, branch: pr.branch };
}

async function openOnStandIn(org: ReviewLoopOrg, title: string) {
  const branch = `spedy/${nanoid(8).toLowerCase()}`;
  const res = await fetch(`${org.githubUrl}/repos/${org.repository}/pulls`, {
    method: 'POST',
    headers: { authorization: `token ${org.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title, body: 'Opened by the runner', head: branch, base: 'main' }),
  });
  expect(res.status).toBe(201);
  const opened = (await res.json()) as { number: number; html_url: string };
  return { repository: org.repository, url: opened.html_url, number: opened.number, branch };
}

export function webhookUrl(org: ReviewLoopOrg): string {
  return `${testStack().appUrl}/api/webhooks/github/${org.integrationId}`;
}

export type Decision = { outcome: string; guard: string | null; message: string; job_id: string | null };

export function decisionsOf(ticketId: string): Promise<Decision[]> {
  return sql<Decision>(testStack().databaseUrl, 'SELECT outcome, guard, message, job_id FROM review_retrigger WHERE ticket_id = $1 ORDER BY created_at', [ticketId]);
}

export type DeliveryRow = { outcome: string; detail: string | null; task_id: string | null };

export function deliveryOf(org: ReviewLoopOrg, deliveryId: string): Promise<DeliveryRow[]> {
  return sql<DeliveryRow>(testStack().databaseUrl, 'SELECT outcome, detail, task_id FROM webhook_delivery WHERE integration_id = $1 AND delivery_id = $2', [org.integrationId, deliveryId]);
}

/** Waits until the delivery's task has processed it (processed or ignored). */
export function processed(org: ReviewLoopOrg | { integrationId: string }, deliveryId: string): Promise<DeliveryRow> {
  return poll(
    `delivery ${deliveryId} processed`,
    async () => {
      const [row] = await deliveryOfIntegration(org.integrationId, deliveryId);
      return row && (row.outcome === 'processed' || row.outcome === 'ignored') ? row : undefined;
    },
    30_000,
    100,
  );
}

/** The organization's Bitbucket side: an integration with an API token and a webhook secret, and a Bitbucket repository of the project. */
export type BitbucketSide = { integrationId: string; secret: string; repository: string; email: string; token: string; apiUrl: string; webhookUrl: string };

export async function connectBitbucket(org: ReviewLoopOrg, provider: ProviderApi, key: string): Promise<BitbucketSide> {
  const email = `reviews-${key.toLowerCase()}@example.com`;
  const token = `ATATT3x${key}${nanoid(16).replace(/[^A-Za-z0-9]/g, 'x')}`;
  provider.addToken(token, { kind: 'bitbucket-api-token', email, username: `bb-${key.toLowerCase()}`, scopes: ['read:user:bitbucket', 'write:repository:bitbucket', 'write:pullrequest:bitbucket'] });
  const connected = await orgApi(org.owner, 'POST', `${org.owner.orgID}/integrations`, { provider: 'bitbucket', email, token, apiUrl: provider.bitbucketUrl });
  expect(connected.status, JSON.stringify(connected.body)).toBe(200);
  const integrationId = (connected.body.integration as { id: string }).id;
  const generated = await orgApi(org.owner, 'POST', `${org.owner.orgID}/integrations/${integrationId}/webhook-secret`);
  expect(generated.status).toBe(200);
  const repository = `ws-${key.toLowerCase()}/web`;
  // Linked as the project's Bitbucket repository, so the pull requests its jobs report are Bitbucket's.
  await sql(
    testStack().databaseUrl,
    `INSERT INTO project_repository (id, organization_id, project_id, provider, full_name, name, clone_url, default_branch, base_branch, created_at)
     VALUES ($1, $2, $3, 'bitbucket', $4, 'web', $5, 'main', 'main', $6)`,
    [nanoid(), org.owner.orgID, org.project.id, repository, `https://bitbucket.org/${repository}.git`, Date.now()],
  );
  return {
    integrationId,
    secret: generated.body.secret as string,
    repository,
    email,
    token,
    apiUrl: provider.bitbucketUrl,
    webhookUrl: `${testStack().appUrl}/api/webhooks/bitbucket/${integrationId}`,
  };
}

/** A ticket whose job opened a Bitbucket pull request on the stand-in (with the API token) and reported it. */
export function openBitbucketPullRequest(org: ReviewLoopOrg, bitbucket: BitbucketSide, title: string): Promise<OpenedPullRequest> {
  return reportPullRequest(org, title, 'completed', async () => {
    const branch = `spedy/${nanoid(8).toLowerCase()}`;
    const res = await fetch(`${bitbucket.apiUrl}/repositories/${bitbucket.repository}/pullrequests`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${bitbucket.email}:${bitbucket.token}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, description: 'Opened by the runner', source: { branch: { name: branch } }, destination: { branch: { name: 'main' } } }),
    });
    expect(res.status).toBe(201);
    const opened = (await res.json()) as { id: number; links: { html: { href: string } } };
    return { repository: bitbucket.repository, url: opened.links.html.href, number: opened.id, branch };
  });
}

export function deliveryOfIntegration(integrationId: string, deliveryId: string): Promise<DeliveryRow[]> {
  return sql<DeliveryRow>(testStack().databaseUrl, 'SELECT outcome, detail, task_id FROM webhook_delivery WHERE integration_id = $1 AND delivery_id = $2', [integrationId, deliveryId]);
}
