import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../test/support/db.ts';
import { createReadyJobs, newRunnerOrg, registerRunner, type RunnerOrg } from '../../test/support/runners.ts';
import { testStack } from '../../test/support/stack-env.ts';
import { connectZero, waitForData } from '../../test/support/zero-client.ts';
import { contextOf } from '../../test/support/fixtures.ts';
import { queries } from '../../zero/queries.ts';
import { finalFlushGraceMs } from './events.ts';

let org: RunnerOrg;
let runnerId: string;

beforeAll(async () => {
  org = await newRunnerOrg('Events Owner');
  runnerId = await registerRunner(org.api, { poolSize: 8 }); // each test holds a job
});

afterAll(async () => {
  await org?.closeDb();
});

const event = (seq: number, text = `line ${seq}`) => ({ seq, type: 'log', payload: { text }, at: 1_700_000_000_000 + seq });

async function claimedJob(): Promise<string> {
  const [jobId] = await createReadyJobs(org.db, org.account.orgID);
  expect((await org.api.post('jobs/claim', { runnerId, jobId })).status).toBe(200);
  return jobId;
}

describe('event append', () => {
  it('stores a resent batch once and acknowledges the highest sequence number', async () => {
    const jobId = await claimedJob();
    const batch = { runnerId, events: [event(1), event(2), event(3)] };
    const first = await org.api.post(`jobs/${jobId}/events`, batch);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ ackedSeq: 3 });
    const resent = await org.api.post(`jobs/${jobId}/events`, batch);
    expect(resent.body).toEqual({ ackedSeq: 3 });
    // Overlapping: 3 again (with other content, which must not replace the stored one) and 4, 5 new.
    const overlap = await org.api.post(`jobs/${jobId}/events`, { runnerId, events: [event(3, 'changed'), event(4), event(5)] });
    expect(overlap.body).toEqual({ ackedSeq: 5 });

    const rows = await sql(testStack().databaseUrl, 'SELECT seq, type, payload, created_at FROM job_event WHERE job_id = $1 ORDER BY seq', [jobId]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[2].payload).toEqual({ text: 'line 3' });
    expect(rows[0].created_at).toBe(1_700_000_000_001);
    const [job] = await sql(testStack().databaseUrl, 'SELECT last_event_seq FROM job WHERE id = $1', [jobId]);
    expect(job.last_event_seq).toBe(5);
  });

  it('stores each event once when the same batch arrives concurrently', async () => {
    const jobId = await claimedJob();
    const batch = { runnerId, events: Array.from({ length: 50 }, (_, i) => event(i + 1)) };
    const answers = await Promise.all(Array.from({ length: 5 }, () => org.api.post(`jobs/${jobId}/events`, batch)));
    for (const a of answers) expect(a.body).toEqual({ ackedSeq: 50 });
    const [{ n }] = await sql(testStack().databaseUrl, 'SELECT count(*)::int AS n FROM job_event WHERE job_id = $1', [jobId]);
    expect(n).toBe(50);
  });

  it('never lowers the acknowledged sequence number when an older batch arrives late', async () => {
    const jobId = await claimedJob();
    await org.api.post(`jobs/${jobId}/events`, { runnerId, events: [event(4), event(5)] });
    const late = await org.api.post(`jobs/${jobId}/events`, { runnerId, events: [event(1), event(2)] });
    expect(late.body).toEqual({ ackedSeq: 5 });
    const [{ n }] = await sql(testStack().databaseUrl, 'SELECT count(*)::int AS n FROM job_event WHERE job_id = $1', [jobId]);
    expect(n).toBe(4);
  });

  it('closes a final job’s stream: only its runner may add what it had not delivered, within the grace period', async () => {
    const jobId = await claimedJob();
    expect((await org.api.post(`jobs/${jobId}/events`, { runnerId, events: [event(1), event(2)] })).body).toEqual({ ackedSeq: 2 });
    expect((await org.api.post(`jobs/${jobId}/status`, { runnerId, status: 'failed', reason: 'It broke.' })).status).toBe(200);

    // The final flush: 3 is new; 2 was delivered already and is not rewritten.
    const flush = await org.api.post(`jobs/${jobId}/events`, { runnerId, events: [event(2, 'rewritten'), event(3)] });
    expect(flush.body).toEqual({ ackedSeq: 3 });
    const other = await registerRunner(org.api);
    const stranger = await org.api.post(`jobs/${jobId}/events`, { runnerId: other, events: [event(4)] });
    expect(stranger.status).toBe(403);

    await sql(testStack().databaseUrl, 'UPDATE job SET finished_at = $2 WHERE id = $1', [jobId, Date.now() - finalFlushGraceMs - 1000]);
    const late = await org.api.post(`jobs/${jobId}/events`, { runnerId, events: [event(4)] });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatch(/Failed; its events were closed/);

    const rows = await sql(testStack().databaseUrl, 'SELECT seq, payload FROM job_event WHERE job_id = $1 ORDER BY seq', [jobId]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[1].payload).toEqual({ text: 'line 2' });
  });

  it('stores a batch’s streamed text deltas as few rows, acknowledges every event, and stores a resend once', async () => {
    const jobId = await claimedJob();
    const delta = (seq: number, message: string, text: string) => ({ seq, type: 'text_delta', payload: { stage: 'code', message, text }, at: 1_700_000_000_000 + seq });
    const whole = { seq: 4, type: 'text', payload: { stage: 'code', message: 'm1', text: 'Hello there' }, at: 1_700_000_000_004 };
    const batch = { runnerId, events: [delta(1, 'm1', 'Hel'), delta(2, 'm1', 'lo '), delta(3, 'm1', 'there'), whole, delta(5, 'm2', 'Now '), delta(6, 'm2', 'tests'), event(7)] };
    expect((await org.api.post(`jobs/${jobId}/events`, batch)).body).toEqual({ ackedSeq: 7 });
    expect((await org.api.post(`jobs/${jobId}/events`, batch)).body).toEqual({ ackedSeq: 7 });
    // The deltas of m1 are in its whole text; those of m2 are one row under the last one's number.
    const stored = () => sql(testStack().databaseUrl, 'SELECT seq, type, payload->>\'text\' AS text FROM job_event WHERE job_id = $1 ORDER BY seq', [jobId]);
    expect(await stored()).toEqual([
      { seq: 4, type: 'text', text: 'Hello there' },
      { seq: 6, type: 'text_delta', text: 'Now tests' },
      { seq: 7, type: 'log', text: 'line 7' },
    ]);
    // The next batch goes on from there.
    expect((await org.api.post(`jobs/${jobId}/events`, { runnerId, events: [delta(8, 'm2', '!'), delta(9, 'm2', '!')] })).body).toEqual({ ackedSeq: 9 });
    expect((await stored()).at(-1)).toEqual({ seq: 9, type: 'text_delta', text: '!!' });
  });

  it('flags the job at its first diminishing-returns event, live for the organization’s members', async () => {
    const jobId = await claimedJob();
    const stack = testStack();
    const zero = connectZero({ cacheURL: stack.zeroUrl, userID: org.account.userID, token: org.account.token, context: contextOf(org.account) });
    const view = zero.materialize(queries.runners.job({ orgID: org.account.orgID, jobID: jobId }));
    try {
      await waitForData(view, (job) => job?.id === jobId && job.diminishingReturnsAt === null, 30_000);
      const flag = (seq: number) => ({
        seq,
        type: 'diminishing_returns',
        payload: { stage: 'implement', message: 'Diminishing returns: …', outputTokens: [40, 30, 20], threshold: 500 },
        at: 1_700_000_000_000 + seq,
      });
      expect((await org.api.post(`jobs/${jobId}/events`, { runnerId, events: [event(1), flag(2)] })).body).toEqual({ ackedSeq: 2 });
      const seen = await waitForData(view, (job) => job?.diminishingReturnsAt != null, 30_000);
      expect(seen?.diminishingReturnsAt).toBe(1_700_000_000_002);

      // Other events leave it alone; a second flag keeps the first time.
      await org.api.post(`jobs/${jobId}/events`, { runnerId, events: [event(3), flag(4)] });
      const [row] = await sql(stack.databaseUrl, 'SELECT diminishing_returns_at, last_event_seq FROM job WHERE id = $1', [jobId]);
      expect(row).toEqual({ diminishing_returns_at: 1_700_000_000_002, last_event_seq: 4 });
    } finally {
      view.destroy();
      await zero.close();
    }
  });
});
