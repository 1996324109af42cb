// A runner token acts only as the runner it registered: another token of the same
// organization cannot claim, report for, stream events for, read the MCP credentials of or
// open the socket of that runner, nor take over its name while the runner's own token is
// still good. Revoking (or the expiry of) that token is how a runner moves to a new one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../test/support/db.ts';
import { poll } from '../../test/support/poll.ts';
import { createReadyJobs, newRunnerOrg, openRunnerSocket, registerRunner, runnerApi, type RunnerApi, type RunnerOrg } from '../../test/support/runners.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { runnerTokenHashKey } from '../secrets/keyring.ts';
import { issueRunnerToken, revokeRunnerToken } from './tokens.ts';

let org: RunnerOrg;
const db = () => testStack().databaseUrl;

beforeAll(async () => {
  org = await newRunnerOrg('Identity Owner');
});

afterAll(async () => {
  await org?.closeDb();
});

async function newToken(name: string, expiresAt?: number): Promise<{ id: string; token: string; api: RunnerApi }> {
  const issued = await issueRunnerToken(org.db, runnerTokenHashKey(), { orgId: org.account.orgID, name, expiresAt, createdBy: org.account.userID });
  return { id: issued.id, token: issued.token, api: runnerApi(testStack().appUrl, issued.token) };
}

const registration = (name: string) => ({ name, version: '1.0.0', capabilities: ['claude_code'], labels: [], poolSize: 2 });

describe('runner token identity', () => {
  it('refuses another token of the organization for everything about this runner and its job', async () => {
    const own = await newToken('own');
    const runnerId = await registerRunner(own.api, { name: 'guarded' });
    const [jobId] = await createReadyJobs(org.db, org.account.orgID, 1);
    const intruder = await newToken('intruder');
    // The intruder is a runner of the organization in its own right.
    const intruderRunner = await registerRunner(intruder.api, { name: 'intruder' });

    const claim = await intruder.api.post('jobs/claim', { runnerId, jobId });
    expect(claim.status).toBe(403);
    expect(claim.body.error).toMatch(/registered with another token/);
    expect((await own.api.post('jobs/claim', { runnerId, jobId })).body.job?.id).toBe(jobId);

    expect((await intruder.api.post(`jobs/${jobId}/events`, { runnerId, events: [{ seq: 1, type: 'log', payload: { text: 'forged' }, at: 1 }] })).status).toBe(403);
    expect((await intruder.api.post(`jobs/${jobId}/status`, { runnerId, status: 'failed', reason: 'forged' })).status).toBe(403);
    expect((await intruder.api.get(`jobs/${jobId}/mcp-credentials?runnerId=${runnerId}`)).status).toBe(403);
    expect((await intruder.api.post('heartbeat', { runnerId, activeJobIds: [jobId] })).status).toBe(403);
    const socket = await openRunnerSocket(testStack().appUrl, runnerId, intruder.token).then(
      (opened) => {
        opened.ws.close();
        return 101;
      },
      (error: { status?: number }) => error.status,
    );
    expect(socket).toBe(403);
    // As its own runner, the job is still not the intruder's.
    expect((await intruder.api.post(`jobs/${jobId}/status`, { runnerId: intruderRunner, status: 'failed', reason: 'forged' })).status).toBe(403);

    const [job] = await sql(db(), 'SELECT status, runner_id, last_event_seq FROM job WHERE id = $1', [jobId]);
    expect(job).toMatchObject({ status: 'claimed', runner_id: runnerId, last_event_seq: 0 });
    expect((await own.api.post(`jobs/${jobId}/status`, { runnerId, status: 'preparing' })).status).toBe(200);
  });

  it('refuses to re-register a runner name with another token until the runner’s token is revoked', async () => {
    const own = await newToken('rotating');
    const runnerId = await registerRunner(own.api, { name: 'rotating' });
    const next = await newToken('rotating, next');

    const refused = await next.api.post('register', registration('rotating'));
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/registered with another token that is still valid/);
    const [unchanged] = await sql(db(), 'SELECT token_id FROM runner WHERE id = $1', [runnerId]);
    expect(unchanged.token_id).toBe(own.id);

    await revokeRunnerToken(org.db, { orgId: org.account.orgID, tokenId: own.id });
    const moved = await next.api.post('register', registration('rotating'));
    expect(moved.status).toBe(200);
    expect(moved.body.runnerId).toBe(runnerId);
    expect((await next.api.post('heartbeat', { runnerId, activeJobIds: [] })).status).toBe(200);
  });

  it('lets a new token take over a runner whose token expired', async () => {
    const expiring = await newToken('expiring', Date.now() + 1500);
    const runnerId = await registerRunner(expiring.api, { name: 'expiring' });
    const next = await newToken('expiring, next');
    expect((await next.api.post('register', registration('expiring'))).status).toBe(409);

    await poll('the first token to expire', async () => ((await expiring.api.post('heartbeat', { runnerId, activeJobIds: [] })).status === 401 ? true : undefined), 10_000, 100);
    const moved = await next.api.post('register', registration('expiring'));
    expect(moved.status).toBe(200);
    expect(moved.body.runnerId).toBe(runnerId);
  });
});
