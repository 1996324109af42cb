// How values travel to the runner, with real parts: vault entries and an MCP server's
// stored credentials, saved through the settings API, reach the agent's container through
// the real supervisor (bootstrap bundle; the job's MCP credentials endpoint) and the real
// Claude Code CLI against the scripted model. The MCP servers (test-kit/mcp-probe-*) tell
// the test that they got their credential; the job's events, the supervisor's log and the
// job's folder on the runner never hold it (beyond what the agent itself printed, which
// stays in its own session transcript).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presets } from '../lib/teams/presets.ts';
import { mcpProbeStdioArgs, startMcpProbeServer, type McpProbeServer } from '../test-kit/mcp-probe-server.ts';
import { sql } from './support/db.ts';
import { createProject, newMember, type Member } from './support/fixtures.ts';
import { endedJobStatuses, jobIn, startTestRunner, startTicket, type TestRunner } from './support/jobs.ts';
import { orgApi } from './support/org-api.ts';
import { poll } from './support/poll.ts';
import { testStack } from './support/stack-env.ts';

const secret = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

const values = {
  httpCredential: `Bearer ${secret('mcp-http')}`,
  stdioCredential: secret('mcp-stdio'),
  vaultValue: secret('vault-probe'),
  platformOverridden: secret('vault-platform'),
  localOverride: secret('local-override'),
  // A vault entry named like a variable of the supervisor's host, which the host also has.
  hostNamedVault: secret('vault-host-named'),
  hostNamedLocal: secret('host-value'),
};

let owner: Member;
let project: Awaited<ReturnType<typeof createProject>>;
let runner: TestRunner | null = null;
let probe: McpProbeServer;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
  owner = await newMember('Values Owner');
  project = await createProject(owner, 'RVL');
  // Not 127.0.0.1: the agent's container has its own loopback (and NO_PROXY for it). The
  // probe is a loopback host the team allows and the supervisor's internal-hosts setting admits.
  probe = await startMcpProbeServer({ header: 'Authorization', expected: values.httpCredential, host: '127.0.0.2' });

  for (const [name, value] of [
    ['VALUES_PROBE', values.vaultValue],
    ['VALUES_OVERRIDE', values.platformOverridden],
    ['VALUES_HOST_NAMED', values.hostNamedVault],
  ]) {
    const answer = await orgApi(owner, 'PUT', `${owner.orgID}/secrets`, { preset: 'custom', name, value });
    expect(answer.status, answer.text).toBe(200);
  }
  const servers = [
    { name: 'probe-http', transport: 'http', url: probe.url, credentials: [{ name: 'Authorization', value: values.httpCredential }] },
    { name: 'probe-stdio', transport: 'stdio', command: 'node', args: mcpProbeStdioArgs(['PROBE_TOKEN']), credentials: [{ name: 'PROBE_TOKEN', value: values.stdioCredential }] },
  ];
  const serverIds: string[] = [];
  for (const server of servers) {
    const answer = await orgApi(owner, 'PUT', `${owner.orgID}/mcp-servers`, { projectID: null, allowedTools: [], ...server });
    expect(answer.status, answer.text).toBe(200);
    serverIds.push((answer.body.server as { id: string }).id);
  }

  // The supervisor's own environment holds values for two of the vault's names: the one
  // SPEDY_SECRET_OVERRIDES lists wins; the other stays the host's own.
  const stack = testStack();
  runner = await startTestRunner(owner, 'RVL', {
    localEnv: { SPEDY_ALLOWED_INTERNAL_HOSTS: '127.0.0.2', SPEDY_SECRET_OVERRIDES: 'ANTHROPIC_API_KEY,VALUES_OVERRIDE', VALUES_OVERRIDE: values.localOverride, VALUES_HOST_NAMED: values.hostNamedLocal },
  });

  // One stage that may run Bash and uses both MCP servers.
  const coding = presets.code_runner.pipeline().steps.flatMap((s) => s.stages).find((s) => s.type === 'coding')!;
  const pipeline = { steps: [{ id: 'step-values', stages: [{ ...coding, id: 'values', name: 'Values', allowedTools: ['Bash'], validationCommands: [], maxRetries: 0, mcpServerIds: serverIds }] }] };
  const probeHost = new URL(probe.url).host;
  await sql(stack.databaseUrl, 'UPDATE runner_team SET pipeline = $1::jsonb, allowed_hosts = $2::jsonb WHERE organization_id = $3', [
    JSON.stringify(pipeline),
    JSON.stringify([probeHost]),
    owner.orgID,
  ]);
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await probe?.stop();
  await owner?.zero.close();
});

describe('values travel to the runner', () => {
  it('gives the agent its MCP servers’ credentials and the vault’s entries, and keeps them out of events, logs and the runner’s disk', async () => {
    expect(runner, 'the runner (Docker, test kit, supervisor) must start').not.toBeNull();
    const ticketId = await startTicket(owner, project, '[scenario:runner-values] [env:VALUES_PROBE,VALUES_OVERRIDE,VALUES_HOST_NAMED,SPEDY_MCP_2_1_PROBE_TOKEN] Check the runner values');

    const job = await jobIn(ticketId, endedJobStatuses);
    expect(job.status_reason).toBeNull();
    expect(job.status).toBe('completed');

    // The HTTP server got its Authorization header on every request, the tool call included.
    expect(probe.calls).toEqual(['whoami']);
    const toolCall = probe.requests.find((r) => r.rpcMethod === 'tools/call');
    expect(toolCall?.headers.authorization).toBe(values.httpCredential);
    expect(probe.requests.every((r) => r.headers.authorization === values.httpCredential)).toBe(true);

    const events = await sql<{ type: string; payload: string }>(testStack().databaseUrl, 'SELECT type, payload::text AS payload FROM job_event WHERE job_id = $1 ORDER BY seq', [job.id]);
    const feed = events.map((e) => e.payload).join('\n');
    // The STDIO server got its variable (it reports only the digest) …
    expect(feed).toContain('probe: Authorization matched');
    expect(feed).toContain(`PROBE_TOKEN sha256=${sha256(values.stdioCredential)}`);
    // … the vault entry is an environment variable of the agent, the local value beat the platform's,
    // and the Bash output in the feed shows them masked.
    expect(feed).toContain(`VALUES_PROBE=•••• sha256=${sha256(values.vaultValue)}`);
    expect(feed).toContain(`VALUES_OVERRIDE=•••• sha256=${sha256(values.localOverride)}`);
    expect(feed).not.toContain(sha256(values.platformOverridden));
    expect(feed).toContain(`VALUES_HOST_NAMED=•••• sha256=${sha256(values.hostNamedVault)}`);
    expect(feed).not.toContain(sha256(values.hostNamedLocal));
    // The agent printed the STDIO server's credential (its 2nd server, 1st credential) as well: masked too.
    expect(feed).toContain(`SPEDY_MCP_2_1_PROBE_TOKEN=•••• sha256=${sha256(values.stdioCredential)}`);

    const everyValue = Object.values(values);
    for (const value of everyValue) expect(feed).not.toContain(value);
    const [{ snapshot }] = await sql<{ snapshot: string }>(testStack().databaseUrl, 'SELECT snapshot::text AS snapshot FROM secure.job_snapshot WHERE job_id = $1', [job.id]);
    for (const value of everyValue) expect(snapshot).not.toContain(value);
    const supervisorLog = fs.readFileSync(runner!.supervisorLog, 'utf8');
    expect(supervisorLog).toContain('job claimed');
    for (const value of everyValue) expect(supervisorLog).not.toContain(value);

    // The job's folder on the runner: the job is final, so the workspace, skills and the agent's
    // HOME with its session transcripts are gone; the masked event log stays, with no value.
    const jobDir = path.join(runner!.dataDir, 'jobs', job.id);
    await poll('the finished job’s work to be removed', async () => filesUnder(jobDir).every((file) => path.basename(file) === 'events.jsonl'), 30_000);
    const jobFiles = filesUnder(jobDir);
    expect(jobFiles.map((file) => path.relative(jobDir, file))).toEqual(['events.jsonl']);
    const eventLog = fs.readFileSync(jobFiles[0]!, 'utf8');
    expect(eventLog).toContain('VALUES_PROBE=••••');
    for (const value of everyValue) expect(eventLog).not.toContain(value);
  }, 300_000);
});
