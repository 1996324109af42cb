// GET /api/v1/runners/jobs/:id/mcp-credentials: the stored credentials of the MCP servers a
// job's stages use, decrypted only for the runner holding the job, only while it runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../lib/jobs/create.ts';
import { orgApi } from './support/org-api.ts';
import { sql } from './support/db.ts';
import { newRunnerOrg, registerRunner, sampleSnapshot, type RunnerOrg } from './support/runners.ts';
import { testStack } from './support/stack-env.ts';

let org: RunnerOrg;
let other: RunnerOrg;
let holder: string;
let bystander: string;
let jobId: string;
const attached = { http: '', stdio: '' };

async function saveServer(body: Record<string, unknown>): Promise<string> {
  const answer = await orgApi(org.account, 'PUT', `${org.account.orgID}/mcp-servers`, { projectID: null, allowedTools: [], ...body });
  expect(answer.status, answer.text).toBe(200);
  return (answer.body.server as { id: string }).id;
}

beforeAll(async () => {
  org = await newRunnerOrg('Cred Holder Org');
  other = await newRunnerOrg('Cred Other Org');
  attached.http = await saveServer({ name: 'tracker', transport: 'http', url: 'https://mcp.example.com/mcp', credentials: [{ name: 'Authorization', value: 'Bearer tracker-secret-0001' }] });
  attached.stdio = await saveServer({ name: 'local-db', transport: 'stdio', command: 'npx', args: ['db-mcp'], credentials: [{ name: 'DB_PASSWORD', value: 'db-secret-0002' }] });
  await saveServer({ name: 'unused', transport: 'http', url: 'https://other.example.com/mcp', credentials: [{ name: 'X-Key', value: 'unused-secret-0003' }] });

  holder = await registerRunner(org.api, { name: 'holder' });
  bystander = await registerRunner(org.api, { name: 'bystander' });
  const snapshot = sampleSnapshot();
  snapshot.pipeline.steps[0].stages[0].mcpServers = [
    { id: attached.http, name: 'tracker', transport: 'http', url: 'https://mcp.example.com/mcp', args: [], allowedTools: [] },
    { id: attached.stdio, name: 'local-db', transport: 'stdio', command: 'npx', args: ['db-mcp'], allowedTools: [] },
  ];
  jobId = (await createJob(org.db, { organizationId: org.account.orgID, type: 'batch', title: 'Uses MCP servers', snapshot })).id;
  const claimed = await org.api.post('jobs/claim', { runnerId: holder, jobId });
  expect(claimed.body.job?.id).toBe(jobId);
  expect(JSON.stringify(claimed.body)).not.toMatch(/secret-000/);
});

afterAll(async () => {
  await org?.closeDb();
  await other?.closeDb();
});

const credentialsPath = (runnerId: string) => `jobs/${jobId}/mcp-credentials?runnerId=${encodeURIComponent(runnerId)}`;

describe('a job’s MCP credentials', () => {
  it('are decrypted for the runner holding the job: the attached servers only', async () => {
    const res = await org.api.get(credentialsPath(holder));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.servers).toHaveLength(2);
    expect(res.body.servers).toEqual(
      expect.arrayContaining([
        { id: attached.http, kind: 'headers', values: { Authorization: 'Bearer tracker-secret-0001' } },
        { id: attached.stdio, kind: 'env', values: { DB_PASSWORD: 'db-secret-0002' } },
      ]),
    );
    const [job] = await sql<{ snapshot: string }>(testStack().databaseUrl, 'SELECT snapshot::text AS snapshot FROM secure.job_snapshot WHERE job_id = $1', [jobId]);
    expect(job.snapshot).not.toMatch(/secret-000/);
  });

  it('are refused to another runner of the organization, to another organization and without a runner', async () => {
    const bystanderAsks = await org.api.get(credentialsPath(bystander));
    expect(bystanderAsks.status).toBe(403);
    expect(bystanderAsks.body.error).toMatch(/not held by this runner/);

    const stranger = await registerRunner(other.api, { name: 'stranger' });
    const strangerAsks = await other.api.get(credentialsPath(stranger));
    expect(strangerAsks.status).toBe(404);
    expect(JSON.stringify(strangerAsks.body)).not.toMatch(/secret-000/);

    expect((await org.api.get(`jobs/${jobId}/mcp-credentials`)).status).toBe(400);
    expect((await org.api.get(credentialsPath(holder), null)).status).toBe(401);
  });

  it('are no longer handed out once the job has ended', async () => {
    await sql(testStack().databaseUrl, "UPDATE job SET status = 'completed' WHERE id = $1", [jobId]);
    const res = await org.api.get(credentialsPath(holder));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/Completed/);
  });
});
