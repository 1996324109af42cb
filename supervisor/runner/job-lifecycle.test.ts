import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobStatus } from '@spedy/protocol/job-status';
import type { JobEventInput } from '@spedy/protocol/wire';
import { claimedTestJob, stageSnapshot } from '../../test/support/supervisor/fake-job-context.ts';
import type { Platform } from '../api/platform.ts';
import type { Log } from '../log.ts';
import type { BoardToolsServer } from '../mcp/board-tools-server.ts';
import type { SecretStore } from '../secrets.ts';
import { AbortReason, finalOutcome, JobLifecycle, type JobRunner } from './job-lifecycle.ts';
import { WorkFailure } from './failures.ts';

const mcpKey = 'mcp-api-key-fetched-for-this-job-0123';
const vaultToken = 'npm-token-from-the-vault-0123456789';
const runnerToken = 'spedy_rt_runner-token-0123456789';
const jobsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spedy-lifecycle-'));

afterAll(() => fs.rmSync(jobsDir, { recursive: true, force: true }));

/** A job's lifecycle against an in-memory platform, recording what leaves the supervisor in order. */
async function runLifecycle(runJob: JobRunner, started: (lifecycle: JobLifecycle) => void = () => undefined) {
  const left: ({ kind: 'status'; status: JobStatus; reason?: string; result?: Record<string, unknown> } | { kind: 'events'; events: JobEventInput[] })[] = [];
  const lines: { level: string; obj: object; msg: string }[] = [];
  const boardTools = { opened: [] as string[], closed: [] as string[] };
  const platform: Platform = {
    runnerId: 'runner_1',
    claim: async () => null,
    async reportStatus(_jobId, status, details) {
      left.push({ kind: 'status', status, ...details });
      return status;
    },
    async sendEvents(_jobId, events) {
      left.push({ kind: 'events', events });
      return events.at(-1)!.seq;
    },
    saveCheckpoint: async () => undefined,
    heartbeat: async () => ({ jobs: [] }),
  };
  const secrets: SecretStore = {
    current: () => ({ env: { NPM_TOKEN: vaultToken }, git: [], fetchedAt: 1 }),
    refresh: async () => undefined,
    start: async () => undefined,
    stop: () => undefined,
    mcpCredentials: async () => [{ id: 'mcp_1', kind: 'headers', values: { Authorization: mcpKey } }],
    gitAccess: async () => ({ git: [], refused: [] }),
  };
  const tools: BoardToolsServer = {
    url: 'http://127.0.0.1:9',
    listener: (_req, res) => res.writeHead(404).end(),
    openJob: (jobId) => boardTools.opened.push(jobId),
    closeJob: (jobId) => boardTools.closed.push(jobId),
    mcpConfig: () => {
      throw new Error('not used here');
    },
    takeQuestion: () => null,
    secretOf: () => 'board-tools-secret-of-the-job-0123',
    preloadKnowledge: async () => [],
    close: async () => undefined,
  };
  const record = (level: string) => (obj: object, msg: string) => lines.push({ level, obj, msg });
  const log: Log = { info: record('info'), warn: record('warn'), error: record('error'), debug: record('debug') };
  const job = claimedTestJob({ id: 'job_lifecycle', steps: [[stageSnapshot({ id: 'work', name: 'Work' })]], repositories: [] });
  let ended = false;
  const lifecycle = new JobLifecycle(job, { jobsDir, platform, secrets, boardTools: tools, runJob, log, runnerToken, streamer: { batchWindowMs: 1 } }, () => {
    ended = true;
  });
  started(lifecycle);
  await lifecycle.done;
  expect(ended).toBe(true);
  return { left, lines, boardTools, lifecycle };
}

describe('a job’s lifecycle', () => {
  it('masks an MCP credential fetched for the job in the supervisor’s log lines, its events and its status reason', async () => {
    const { left, lines } = await runLifecycle(async (ctx, services) => {
      await ctx.reportStatus('preparing');
      const [server] = await ctx.secretSet.mcpCredentials();
      const key = server!.values.Authorization!;
      ctx.emit({ type: 'text', payload: { text: `calling the MCP server with ${key}`, [key]: 'as a key too' } });
      services.log.info({ header: `Bearer ${key}`, nested: [{ token: key }] }, `connected with ${key}`);
      throw new Error(`the MCP server refused ${key} and ${ctx.secrets.NPM_TOKEN}`);
    });

    const everything = JSON.stringify({ left, lines });
    for (const secret of [mcpKey, vaultToken]) expect(everything).not.toContain(secret);
    const events = left.flatMap((entry) => (entry.kind === 'events' ? entry.events : []));
    expect(events.map((event) => event.payload)).toEqual([{ text: 'calling the MCP server with ••••', '••••': 'as a key too' }]);
    expect(lines).toContainEqual({ level: 'info', obj: { header: 'Bearer ••••', nested: [{ token: '••••' }] }, msg: 'connected with ••••' });
    const failed = lines.find((line) => line.msg === 'job run failed');
    expect(JSON.stringify(failed?.obj)).toContain('the MCP server refused •••• and ••••');
    expect(left.at(-1)).toEqual({ kind: 'status', status: 'error', reason: 'The runner failed: the MCP server refused •••• and ••••', result: undefined });
  });

  it('reports the outcome the work returned last, after its events, masked, and closes the job’s board tools', async () => {
    const { left, boardTools } = await runLifecycle(async (ctx) => {
      await ctx.reportStatus('preparing');
      for (let i = 1; i <= 3; i++) ctx.emit({ type: 'text', payload: { text: `step ${i}` } });
      return { status: 'completed', result: { summary: `done without ${runnerToken}` } };
    });

    expect(left.map((entry) => (entry.kind === 'status' ? entry.status : 'events'))).toEqual(['preparing', 'events', 'completed']);
    expect(left.at(-1)).toMatchObject({ status: 'completed', result: { summary: 'done without ••••' } });
    expect(boardTools).toEqual({ opened: ['job_lifecycle'], closed: ['job_lifecycle'] });
  });

  it('removes a final job’s work but keeps its masked event log; a Stopped job keeps everything', async () => {
    const jobDir = path.join(jobsDir, 'job_lifecycle');
    const work = (status: 'failed' | 'stopped') => async (ctx: Parameters<JobRunner>[0]) => {
      fs.mkdirSync(path.join(ctx.jobDir, 'home', '.claude', 'projects'), { recursive: true });
      fs.writeFileSync(path.join(ctx.jobDir, 'home', '.claude', 'projects', 'session.jsonl'), vaultToken);
      ctx.emit({ type: 'text', payload: { text: `printed ${vaultToken}` } });
      await ctx.reportStatus('preparing');
      await ctx.reportStatus(status, status === 'failed' ? { reason: 'it failed' } : {});
    };

    await runLifecycle(work('stopped'));
    expect(fs.existsSync(path.join(jobDir, 'home', '.claude', 'projects', 'session.jsonl'))).toBe(true);

    await runLifecycle(work('failed'));
    expect(fs.readdirSync(jobDir)).toEqual(['events.jsonl']);
    const log = fs.readFileSync(path.join(jobDir, 'events.jsonl'), 'utf8');
    expect(log).toContain('printed ••••');
    expect(log).not.toContain(vaultToken);
  });

  it('takes the budget a person raised while the job waited from the claim that resumes it: the run reads it', async () => {
    let reclaim: () => void = () => undefined;
    const seen: (number | null)[] = [];
    await runLifecycle(
      async (ctx) => {
        await ctx.reportStatus('preparing');
        seen.push(ctx.job.snapshot.budget.maxCostUsd);
        reclaim();
        seen.push(ctx.job.snapshot.budget.maxCostUsd);
        return { status: 'completed', result: {} };
      },
      (lifecycle) => {
        reclaim = () => {
          const claimed = structuredClone(lifecycle.job);
          claimed.snapshot.budget.maxCostUsd = 7.5;
          lifecycle.reclaimed({ ...claimed, status: 'claimed' });
        };
      },
    );
    expect(seen).toEqual([null, 7.5]);
  });

  it('leaves an outcome the work reported itself alone', async () => {
    const { left, lifecycle } = await runLifecycle(async (ctx) => {
      await ctx.reportStatus('preparing');
      await ctx.reportStatus('failed', { reason: 'validation failed' });
    });
    expect(left.filter((entry) => entry.kind === 'status').map((entry) => entry.status)).toEqual(['preparing', 'failed']);
    expect(lifecycle.lastStatus).toBe('failed');
  });
});

describe('finalOutcome: how a job ends on this supervisor', () => {
  const failure = new Error('clone failed');

  it('reports nothing for a job the platform took back, or one already final, Stopped or handed back', () => {
    expect(finalOutcome({ status: 'executing', abortReason: AbortReason.LostOnPlatform, failure })).toBeNull();
    for (const status of ['completed', 'failed', 'error', 'stopped', 'ready'] as const) expect(finalOutcome({ status, failure })).toBeNull();
  });

  it('fails a cancelled job with the person’s reason, also when it was Stopped or its work had just completed', () => {
    const cancelled = 'Cancelled by Ada.';
    const ended = { status: 'completed' as const, result: {} };
    for (const status of ['stopped', 'running', 'waiting_for_input'] as const) {
      expect(finalOutcome({ status, ended, abortReason: AbortReason.CancelledByUser, cancelled })).toEqual({ status: 'failed', reason: cancelled });
    }
    // Already final on the platform, or failed there while the runner was away: nothing more to report.
    expect(finalOutcome({ status: 'failed', cancelled })).toBeNull();
    expect(finalOutcome({ status: 'running', abortReason: AbortReason.LostOnPlatform, cancelled })).toBeNull();
  });

  it('takes the work’s own outcome, even while draining', () => {
    const ended = { status: 'failed', reason: 'Validation failed.' } as const;
    expect(finalOutcome({ status: 'running', ended, abortReason: AbortReason.SupervisorShutdown })).toEqual(ended);
    const completed = { status: 'completed', result: { pullRequests: [] } } as const;
    expect(finalOutcome({ status: 'syncing', ended: completed, abortReason: AbortReason.SupervisorShutdown })).toEqual(completed);
  });

  it('hands back a working job paused by the drain, and keeps one that waits for a person', () => {
    for (const status of ['claimed', 'preparing', 'executing', 'running', 'syncing'] as const) {
      expect(finalOutcome({ status, abortReason: AbortReason.SupervisorShutdown })).toEqual({ status: 'ready' });
      expect(finalOutcome({ status, abortReason: AbortReason.SupervisorShutdown, failure })).toEqual({ status: 'ready' });
    }
    expect(finalOutcome({ status: 'waiting_for_input', abortReason: AbortReason.SupervisorShutdown })).toBeNull();
    expect(finalOutcome({ status: 'stopped', abortReason: AbortReason.SupervisorShutdown })).toBeNull();
  });

  it('classifies what a run threw', () => {
    expect(finalOutcome({ status: 'preparing', failure })).toEqual({ status: 'error', reason: 'The runner failed: clone failed' });
    expect(finalOutcome({ status: 'preparing', failure: new WorkFailure('The stage failed.') })).toEqual({ status: 'failed', reason: 'The stage failed.' });
    expect(finalOutcome({ status: 'claimed' })).toEqual({ status: 'error', reason: 'The runner ended without reporting an outcome.' });
  });
});
