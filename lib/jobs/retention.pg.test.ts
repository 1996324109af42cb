// Event retention with real parts: jobs reported through the runner API (real app, PostgreSQL,
// zero-cache), the retention set through the organization settings mutator, then compacted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb } from '../db/client.ts';
import { issueRunnerToken } from '../runners/tokens.ts';
import { runnerTokenHashKey } from '../secrets/keyring.ts';
import { mutators } from '../../zero/mutators.ts';
import { sql } from '../../test/support/db.ts';
import { joinOrg, newMember, serverVerdict, type Member } from '../../test/support/fixtures.ts';
import { createReadyJobs, registerRunner, runnerApi, type RunnerApi } from '../../test/support/runners.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { compactExpiredJobs, keptToolOutputChars } from './retention.ts';

type Org = { owner: Member; api: RunnerApi; runnerId: string };
let retained: Org;
let other: Org;
let member: Member;
let closeDb: () => Promise<void>;
let db: ReturnType<typeof connectDb>['db'];

const day = 86_400_000;
const longOutput = 'x'.repeat(keptToolOutputChars + 500);
const pr = { repository: 'demo/spedy-demo', url: 'http://git.test/demo/spedy-demo/pull/7', number: 7, branch: 'spedy/retention' };
const usage = { stage: 'code', model: 'claude-sonnet-4-6', inputTokens: 1200, outputTokens: 300, cacheReadTokens: 4000, cacheWriteTokens: 100 };

/** A job's events as a streaming run reports them: deltas and a whole text, tools, progress, usage, an error, its PR. */
function runEvents(at: number) {
  const event = (seq: number, type: string, payload: Record<string, unknown>) => ({ seq, type, payload, at: at + seq });
  return [
    event(1, 'stage', { stage: 'code', name: 'Code', phase: 'started' }),
    event(2, 'text_delta', { stage: 'code', message: 'm1', text: 'Adding ' }),
    event(3, 'text_delta', { stage: 'code', message: 'm1', text: 'the script' }),
    event(4, 'text', { stage: 'code', message: 'm1', text: 'Adding the script' }),
    event(5, 'tool_call', { stage: 'code', id: 'tu1', name: 'Bash', input: { command: 'npm test' } }),
    event(6, 'tool_result', { stage: 'code', toolUseId: 'tu1', content: longOutput, isError: false }),
    event(7, 'tool_call', { stage: 'code', id: 'tu2', name: 'Read', input: { file_path: 'a.js' } }),
    event(8, 'tool_result', { stage: 'code', toolUseId: 'tu2', content: 'short output', isError: false }),
    event(9, 'progress', { summary: 'Ran 1 command' }),
    event(10, 'error', { stage: 'code', message: 'The model API failed; retrying', retrying: true }),
    event(11, 'progress', { summary: 'Ran 2 commands, 1 file touched' }),
    event(12, 'usage', usage),
    event(13, 'result', { stage: 'code', isError: false, numTurns: 4, text: 'Done' }),
    event(14, 'pull_request', pr),
    event(15, 'stage', { stage: 'code', name: 'Code', phase: 'completed' }),
  ];
}

/** A job that ran through the runner API; `finishedDaysAgo` moves its end (and events) back in time, null leaves it running. */
async function reportedJob(org: Org, finishedDaysAgo: number | null): Promise<string> {
  const [jobId] = await createReadyJobs(db, org.owner.orgID);
  expect((await org.api.post('jobs/claim', { runnerId: org.runnerId, jobId })).status).toBe(200);
  for (const status of ['preparing', 'executing', 'running']) expect((await org.api.post(`jobs/${jobId}/status`, { runnerId: org.runnerId, status })).status).toBe(200);
  // The deltas in a batch of their own, as they stream before their message's text: stored (as one row).
  const events = runEvents(Date.now());
  expect((await org.api.post(`jobs/${jobId}/events`, { runnerId: org.runnerId, events: events.slice(0, 3) })).body).toEqual({ ackedSeq: 3 });
  expect((await org.api.post(`jobs/${jobId}/events`, { runnerId: org.runnerId, events: events.slice(3) })).body).toEqual({ ackedSeq: 15 });
  if (finishedDaysAgo === null) {
    await sql(testStack().databaseUrl, 'UPDATE job SET created_at = created_at - $2 WHERE id = $1', [jobId, 90 * day]);
    return jobId;
  }
  expect((await org.api.post(`jobs/${jobId}/status`, { runnerId: org.runnerId, status: 'syncing' })).status).toBe(200);
  expect((await org.api.post(`jobs/${jobId}/status`, { runnerId: org.runnerId, status: 'completed', result: { pullRequests: [pr] } })).status).toBe(200);
  await sql(testStack().databaseUrl, 'UPDATE job SET finished_at = finished_at - $2, updated_at = updated_at - $2 WHERE id = $1', [jobId, finishedDaysAgo * day]);
  return jobId;
}

const eventsOf = (jobId: string) =>
  sql<{ seq: number; type: string; payload: Record<string, unknown> }>(testStack().databaseUrl, 'SELECT seq, type, payload FROM job_event WHERE job_id = $1 ORDER BY seq', [jobId]);
const jobOf = async (jobId: string) =>
  (await sql<{ compacted_at: number | null; result: unknown; status: string }>(testStack().databaseUrl, 'SELECT compacted_at, result, status FROM job WHERE id = $1', [jobId]))[0]!;
const usageOf = (jobId: string) =>
  sql(testStack().databaseUrl, 'SELECT input_tokens::int, output_tokens::int, cache_read_tokens::int, cache_write_tokens::int, turns FROM job_usage WHERE job_id = $1', [jobId]);

async function newOrg(name: string): Promise<Org> {
  const owner = await newMember(name);
  const issued = await issueRunnerToken(db, runnerTokenHashKey(), { orgId: owner.orgID, name: 'retention', createdBy: owner.userID });
  const api = runnerApi(testStack().appUrl, issued.token);
  return { owner, api, runnerId: await registerRunner(api) };
}

beforeAll(async () => {
  const connection = connectDb(testStack().databaseUrl);
  db = connection.db;
  closeDb = connection.close;
  retained = await newOrg('Retention Owner');
  other = await newOrg('Retention Default Owner');
  member = await joinOrg(await newMember('Retention Member'), retained.owner, 'member');
});

afterAll(async () => {
  await retained?.owner.zero.close();
  await other?.owner.zero.close();
  await member?.zero.close();
  await closeDb?.();
});

describe('event retention', () => {
  it('is set by administrators to a whole number of days, and refuses anything else', async () => {
    // Bad input is refused where it is first checked (the client's run of the mutator), good input by the server's verdict.
    const update = async (who: Member, eventRetentionDays: unknown) => {
      const result = who.zero.mutate(mutators.organizationSettings.update({ orgID: retained.owner.orgID, eventRetentionDays: eventRetentionDays as number }));
      const client = await result.client;
      return client.type === 'error' ? client.error.message : serverVerdict(result);
    };
    expect(await update(retained.owner, 0)).toMatch('Keep events at least 1 day.');
    expect(await update(retained.owner, 2.5)).toMatch('whole number');
    expect(await update(retained.owner, 100_000)).toMatch('Keep events at most 3650 days');
    expect(await update(retained.owner, '7')).toMatch('whole number');
    expect(await update(member, 7)).toBe('Only administrators can change the organization’s settings, such as its time zone.');
    const settings = () => sql(testStack().databaseUrl, 'SELECT time_zone, event_retention_days FROM organization_settings WHERE organization_id = $1', [retained.owner.orgID]);
    expect(await settings()).toEqual([]);
    expect(await update(retained.owner, 7)).toBeNull();
    // The time zone changes on its own and leaves the retention as it was.
    expect(await serverVerdict(retained.owner.zero.mutate(mutators.organizationSettings.update({ orgID: retained.owner.orgID, timeZone: 'Europe/Berlin' })))).toBeNull();
    expect(await settings()).toEqual([{ time_zone: 'Europe/Berlin', event_retention_days: 7 }]);
  });

  it('compacts a finished job past the retention, keeping its figures, result, PR and errors; never a running or recent one', async () => {
    const old = await reportedJob(retained, 10);
    const recent = await reportedJob(retained, 2);
    const running = await reportedJob(retained, null);
    // Another organization keeps the default 30 days: its job that ended 10 days ago stays whole.
    const otherOld = await reportedJob(other, 10);
    const whole = await eventsOf(old);
    const usageBefore = await usageOf(old);
    expect(usageBefore).toEqual([{ input_tokens: 1200, output_tokens: 300, cache_read_tokens: 4000, cache_write_tokens: 100, turns: 4 }]);

    const compacted = await compactExpiredJobs(db);
    expect(compacted).toContain(old);
    for (const id of [recent, running, otherOld]) expect(compacted).not.toContain(id);

    const kept = await eventsOf(old);
    expect(kept.map((e) => e.type)).toEqual(['stage', 'text', 'tool_call', 'tool_result', 'tool_call', 'tool_result', 'error', 'progress', 'usage', 'result', 'pull_request', 'stage']);
    expect(kept.find((e) => e.type === 'progress')?.payload).toMatchObject({ summary: 'Ran 2 commands, 1 file touched' });
    const [long, short] = kept.filter((e) => e.type === 'tool_result');
    expect(long!.payload.content).toBe(`${'x'.repeat(keptToolOutputChars)}\n… (500 more characters dropped when the job was compacted)`);
    expect(short!.payload.content).toBe('short output');
    for (const type of ['text', 'error', 'usage', 'result', 'pull_request']) {
      expect(kept.find((e) => e.type === type), type).toEqual(whole.find((e) => e.type === type));
    }
    expect(await usageOf(old)).toEqual(usageBefore);
    const job = await jobOf(old);
    expect(job.status).toBe('completed');
    expect(job.result).toEqual({ pullRequests: [pr] });
    expect(job.compacted_at).toBeGreaterThan(Date.now() - 60_000);

    for (const id of [recent, running, otherOld]) {
      expect(await eventsOf(id), id).toHaveLength(14); // 15 events, the two deltas stored as one
      expect((await jobOf(id)).compacted_at).toBeNull();
    }
    // Compacted once: a later run leaves it (and everything else) alone.
    expect(await compactExpiredJobs(db)).not.toContain(old);
    expect(await eventsOf(old)).toEqual(kept);
  }, 240_000); // a development server compiles the runner API's routes on their first request
});
